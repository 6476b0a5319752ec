"""What the PDF and DOCX writers share: the download jobs, metadata and Dutch labels.

Both formats make one document per pakket (``downloads/<pakket-id>.<ext>``) and one per
published item (``downloads/items/<item-id>.<ext>``) with the same parts in the same order;
only the rendering differs. Nothing here imports WeasyPrint or python-docx.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from pakketbuild.model import AUDIENCE_LABELS, Audience, Contact, Organisation
from pakketbuild.publication import PubItem, Publication, PubPakket
from pakketbuild.writers import Job, urls

PDF_MEDIA_TYPE = "application/pdf"
DOCX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

# Dutch labels used in both formats.
LABEL_CONTENTS = "Inhoud"
LABEL_INTRO = "Inleiding"
LABEL_AUDIENCES = "Voor"
LABEL_PROVIDERS = "Aangeboden door"
LABEL_KIND = "Soort"
LABEL_PART_OF = "Onderdeel van"
LABEL_EDITION = "Editie"
LABEL_PUBLISHER = "Uitgegeven door"
LABEL_STEPS = "Stappen"
LABEL_CONTACT = "Contact"
LABEL_DOCUMENTS = "Documenten"
LABEL_RELATED = "Zie ook"
LABEL_PAGE = "pagina"
LABEL_OF = "van"
CONTACT_HEADERS = {
    "label": "Contact",
    "phone": "Telefoon",
    "email": "E-mail",
    "url": "Website",
    "hours": "Bereikbaar",
}
"""Column headers of the contacts table, in column order."""


def document_jobs(pub: Publication, fmt: str, ext: str, media_type: str) -> list[Job]:
    """One job per published pakket and one per published item."""
    jobs = [
        Job(
            path=urls.pakket_download(pakket.id, ext),
            format=fmt,
            subject=f"pakket:{pakket.id}",
            media_type=media_type,
            deps=(
                f"pakket:{pakket.id}",
                *(f"item:{item.id}" for item in pakket.items),
                "organisations",
                "site",
            ),
        )
        for pakket in pub.pakketten.values()
    ]
    jobs.extend(
        Job(
            path=urls.item_download(item.id, ext),
            format=fmt,
            subject=f"item:{item.id}",
            media_type=media_type,
            deps=(
                f"item:{item.id}",
                "organisations",
                "site",
                *(f"pakket:{pid}" for pid in item.pakket_ids),
            ),
        )
        for item in pub.items.values()
    )
    return jobs


def subject_of(pub: Publication, job: Job) -> PubPakket | PubItem:
    """The pakket or item a job renders."""
    kind, _, ident = job.subject.partition(":")
    if kind == "pakket":
        return pub.pakketten[ident]
    if kind == "item":
        return pub.items[ident]
    raise ValueError(f"document writers cannot render subject {job.subject!r}")


def source_file(pub: Publication, subject: str) -> str:
    """The content file a subject comes from, as shown in diagnostics."""
    kind, _, ident = subject.partition(":")
    folder = pub.content_root.name
    if kind == "pakket":
        return f"{folder}/pakketten/{ident}.md"
    if kind == "item":
        return f"{folder}/items/{ident}.md"
    return f"{folder}/site.yaml"


def dutch_join(words: Sequence[str]) -> str:
    """``['a', 'b', 'c']`` → ``a, b en c``."""
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " en " + words[-1]


def audiences_text(audiences: Sequence[Audience]) -> str:
    """Plural Dutch labels: ``burgemeesters, wethouders en raadsleden``."""
    return dutch_join([AUDIENCE_LABELS[a][1] for a in audiences])


def providers_text(providers: Sequence[Organisation]) -> str:
    return dutch_join([org.name for org in providers])


def contact_columns(contacts: Sequence[Contact]) -> list[str]:
    """The contact fields that at least one contact fills, in table order."""
    return [
        key
        for key in CONTACT_HEADERS
        if key == "label" or any(getattr(contact, key) for contact in contacts)
    ]


def document_kind(media_type: str | None) -> str | None:
    """A short Dutch name for a document's file type: ``application/pdf`` → ``pdf``."""
    if media_type is None:
        return None
    return {
        PDF_MEDIA_TYPE: "pdf",
        DOCX_MEDIA_TYPE: "docx",
        "text/html": "webpagina",
    }.get(media_type, media_type.split("/")[-1])


def pakketten_of(pub: Publication, item: PubItem) -> list[PubPakket]:
    return [pub.pakketten[pid] for pid in item.pakket_ids if pid in pub.pakketten]


@dataclass(frozen=True)
class DocumentMeta:
    """Metadata of one document, taken from the content only (never from the clock)."""

    title: str
    subject: str
    author: str
    keywords: tuple[str, ...]
    description: str
    language: str
    """The site language as written (``nl``)."""
    created: dt.date | None
    modified: dt.date | None

    @property
    def language_region(self) -> str:
        """Language with region for Word (``nl`` → ``nl-NL``)."""
        if "-" in self.language:
            return self.language
        return f"{self.language}-{self.language.upper()}"


def _publisher_name(pub: Publication) -> str:
    if pub.site.publisher and pub.site.publisher in pub.organisations:
        return pub.organisations[pub.site.publisher].name
    return pub.site.title


def pakket_meta(pub: Publication, pakket: PubPakket) -> DocumentMeta:
    dates = [edition.date for edition in pakket.pakket.editions]
    if pakket.pakket.edition:
        dates.append(pakket.pakket.edition)
    for item in pakket.items:
        dates.extend(d for d in (item.date_published, item.date_modified) if d)
        dates.extend(change.date for change in item.item.changes)
    return DocumentMeta(
        title=pakket.title,
        subject=f"{LABEL_AUDIENCES} {audiences_text(pakket.pakket.audiences)}",
        author=pakket.publisher.name,
        keywords=tuple(AUDIENCE_LABELS[a][0] for a in pakket.pakket.audiences),
        description="",
        language=pub.site.language,
        created=min(dates, default=None),
        modified=max(dates, default=None),
    )


def item_meta(pub: Publication, item: PubItem) -> DocumentMeta:
    pakketten = pakketten_of(pub, item)
    author = pakketten[0].publisher.name if pakketten else _publisher_name(pub)
    return DocumentMeta(
        title=item.title,
        subject=item.kind_label,
        author=author,
        keywords=(item.kind_label, *item.audience_labels),
        description=item.item.summary,
        language=pub.site.language,
        # The earliest date the content records: first publication, else the first change.
        created=item.date_published or min((c.date for c in item.item.changes), default=None),
        modified=item.date_modified,
    )


def meta_for(pub: Publication, subject: PubPakket | PubItem) -> DocumentMeta:
    if isinstance(subject, PubPakket):
        return pakket_meta(pub, subject)
    return item_meta(pub, subject)

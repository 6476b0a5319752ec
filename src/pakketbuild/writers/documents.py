"""What the document writers (PDF, DOCX, ODT) share: the download jobs, metadata and Dutch labels.

Every format makes one document per pakket (``downloads/<pakket-id>.<ext>``) and one per
published item (``downloads/items/<item-id>.<ext>``) with the same parts in the same order;
only the rendering differs. In a view's edition there is one more: the view's combined
document (``downloads/<view-id>.<ext>``, subject ``bundle:<view-id>``), rendered like a
pakket (see :func:`view_bundle`). Nothing here imports WeasyPrint or python-docx.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from pakketbuild import anchors, jobkeys
from pakketbuild.model import Organisation, Pakket
from pakketbuild.publication import PubItem, Publication, PubPakket
from pakketbuild.records import PubContact, PubRef
from pakketbuild.writers import (
    BuildContext,
    Format,
    Job,
    Writer,
    download_formats,
    for_each_edition,
    urls,
)

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
"""Labels of a contact's lines (see :func:`contact_lines`), in order."""


class DocumentWriter(Writer):
    """Base of the writers of handed-out documents (PDF, Word, ODT): one file per published
    pakket and item, and per view its combined document, in every edition."""

    def jobs(self, pub: Publication, ctx: BuildContext) -> list[Job]:
        return for_each_edition(
            pub, lambda edition: document_jobs(edition, self.format), themed=True
        )

    def uses_tool(self, job: Job) -> bool:
        """A document with a contents list (a pakket's, a view's combined document) is
        measured by the format's outside program, when it has one (LibreOffice numbers the
        Word and ODT contents lists, see :mod:`pakketbuild.writers.office_pages`)."""
        return self.format.tool is not None and has_contents(job)


def has_contents(job: Job) -> bool:
    """True for the documents with a contents list: a pakket's and a view's combined one."""
    return jobkeys.parse(job.subject, job.view).kind in ("pakket", "bundle")


def document_jobs(pub: Publication, fmt: Format) -> list[Job]:
    """One job per published pakket and one per published item, for a download format;
    in a view's edition also the view's combined document."""
    assert fmt.extension is not None and fmt.media_type is not None
    ext, media_type = fmt.extension, fmt.media_type
    jobs = []
    if pub.view is not None and pub.items:
        jobs.append(
            Job(
                path=urls.view_download(pub.view.id, ext),
                format=fmt.name,
                subject=jobkeys.bundle(pub.view.id),
                media_type=media_type,
                deps=(
                    *(jobkeys.pakket_dep(pid) for pid in pub.pakketten),
                    *(jobkeys.item_dep(item_id) for item_id in pub.items),
                    jobkeys.ORGANISATIONS,
                    jobkeys.SITE_DEP,
                ),
            )
        )
    jobs += [
        Job(
            path=urls.pakket_download(pakket.id, ext),
            format=fmt.name,
            subject=jobkeys.pakket(pakket.id),
            media_type=media_type,
            deps=(
                jobkeys.pakket_dep(pakket.id),
                *(jobkeys.item_dep(item.id) for item in pakket.items),
                jobkeys.ORGANISATIONS,
                jobkeys.SITE_DEP,
            ),
        )
        for pakket in pub.pakketten.values()
    ]
    jobs.extend(
        Job(
            path=urls.item_download(item.id, ext),
            format=fmt.name,
            subject=jobkeys.item(item.id),
            media_type=media_type,
            deps=(
                jobkeys.item_dep(item.id),
                jobkeys.ORGANISATIONS,
                jobkeys.SITE_DEP,
                *(jobkeys.pakket_dep(pid) for pid in item.pakket_ids),
            ),
        )
        for item in pub.items.values()
    )
    return jobs


def subject_of(pub: Publication, job: Job) -> PubPakket | PubItem:
    """The pakket or item a job renders."""
    subject = jobkeys.parse(job.subject)
    if subject.kind == "pakket":
        return pub.pakketten[subject.ident]
    if subject.kind == "item":
        return pub.items[subject.ident]
    if subject.kind == "bundle" and pub.view is not None and pub.view.id == subject.ident:
        return view_bundle(pub)
    raise ValueError(f"document writers cannot render subject {job.subject!r}")


def related_target(pub: Publication, related: PubRef, local: set[str]) -> str | None:
    """Where a "Zie ook" entry links to: the related item's heading when it is in the same
    document (``#item-<id>``), else its web page when the site has a base URL, else
    nowhere (a document cannot link to a page whose address is not known)."""
    if related.id in local:
        return f"#{anchors.item_heading(related.id)}"
    return pub.absolute_url(urls.item_page(related.id))


def view_order(pub: Publication) -> list[PubItem]:
    """The items of a view's combined document, in editorial order: first the view's own
    ``items`` list in ``site.yaml`` (published ones; the loader checked the ids), then the
    items of the view's pakketten in pakket order, then every other item of the view in
    the order of the content (by id)."""
    order: dict[str, PubItem] = {}
    listed = pub.view.items if pub.view is not None else []
    for item_id in listed:
        if item_id in pub.items:
            order.setdefault(item_id, pub.items[item_id])
    for pakket in pub.pakketten.values():
        for item in pakket.items:
            order.setdefault(item.id, item)
    for item_id, item in pub.items.items():
        order.setdefault(item_id, item)
    return list(order.values())


def view_bundle(pub: Publication) -> PubPakket:
    """A view's combined document as a pakket: the view's title and audiences, its items
    in :func:`view_order`, no intro (the view has none), published by the site's publisher
    (else the first pakket's)."""
    view = pub.view
    assert view is not None
    if pub.site.publisher and pub.site.publisher in pub.organisations:
        publisher = pub.organisations[pub.site.publisher]
    elif pub.pakketten:
        publisher = next(iter(pub.pakketten.values())).publisher
    else:
        publisher = Organisation.model_construct(id=pub.site.id, name=pub.site.title)
    items = view_order(pub)
    pakket = Pakket.model_construct(
        id=view.id,
        title=view.title,
        intro="",
        items=[item.id for item in items],
        audiences=list(view.audiences),
        publisher=publisher.id,
        edition=None,
        editions=[],
    )
    return PubPakket(pakket=pakket, items=tuple(items), publisher=publisher)


def source_file(pub: Publication, subject: str) -> str:
    """The content file a subject comes from, as shown in diagnostics."""
    kind, ident = jobkeys.parse(subject).kind, jobkeys.parse(subject).ident
    folder = pub.content_root.name
    if kind == "pakket":
        return f"{folder}/pakketten/{ident}.md"
    if kind == "item":
        return f"{folder}/items/{ident}.md"
    return f"{folder}/site.yaml"


def contact_lines(contact: PubContact) -> list[tuple[str, str, str | None]]:
    """A contact as a labelled block, the same in every format: ``(label, text, link
    target)`` per way to reach it, in :data:`CONTACT_HEADERS` order (the name comes first,
    unlabelled, from ``contact.label``). A block, not a table: no narrow column breaks an
    e-mail address or URL mid-word, and no header cell repeats the "Contact" heading."""
    lines: list[tuple[str, str, str | None]] = []
    if contact.phone:
        lines.append((CONTACT_HEADERS["phone"], contact.phone, contact.phone_href))
    if contact.email:
        lines.append((CONTACT_HEADERS["email"], contact.email, contact.email_href))
    if contact.url:
        lines.append((CONTACT_HEADERS["url"], contact.url, contact.url))
    if contact.hours:
        lines.append((CONTACT_HEADERS["hours"], contact.hours, None))
    return lines


def document_kind(media_type: str | None) -> str | None:
    """A short Dutch name for a document's file type: ``application/pdf`` → ``pdf``."""
    if media_type is None:
        return None
    kinds = {f.media_type: f.extension for f in download_formats()}
    return {**kinds, "text/html": "webpagina"}.get(media_type, media_type.split("/")[-1])


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
    dates = [edition.date for edition in pakket.editions]
    if pakket.edition:
        dates.append(pakket.edition)
    for item in pakket.items:
        dates.extend(d for d in (item.date_published, item.date_modified) if d)
        dates.extend(change.date for change in item.changes)
    return DocumentMeta(
        title=pakket.title,
        subject=f"{LABEL_AUDIENCES} {pakket.audiences_text}",
        author=pakket.publisher.name,
        keywords=tuple(a.label for a in pakket.audiences),
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
        description=item.summary,
        language=pub.site.language,
        created=item.date_created,
        modified=item.date_modified,
    )


def meta_for(pub: Publication, subject: PubPakket | PubItem) -> DocumentMeta:
    if isinstance(subject, PubPakket):
        return pakket_meta(pub, subject)
    return item_meta(pub, subject)

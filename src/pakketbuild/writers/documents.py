"""What the document writers (PDF, DOCX, ODT) share: the download jobs and their subjects.

Every format makes one document per pakket (``downloads/<pakket-id>.<ext>``) and one per
published item (``downloads/items/<item-id>.<ext>``) from the same outline
(:func:`pakketbuild.writers.outline.document`: the parts, their order, labels and
metadata); only the rendering differs. In a view's edition there is one more: the view's
combined document (``downloads/<view-id>.<ext>``, subject ``bundle:<view-id>``), rendered
like a pakket (see :func:`view_bundle`). A document whose content gives no date shows the
date of the source revision, so its job depends on that date
(:func:`pakketbuild.writers.outline.date_deps`). Nothing here imports WeasyPrint or
python-docx.
"""

from __future__ import annotations

from pakketbuild import jobkeys
from pakketbuild.model import Organisation, Pakket
from pakketbuild.publication import PubItem, Publication, PubPakket
from pakketbuild.writers import BuildContext, Format, Job, Writer, for_each_edition, outline, urls


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
        bundle = view_bundle(pub)
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
                    *outline.date_deps(pub, bundle),
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
                *outline.date_deps(pub, pakket),
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
                *outline.date_deps(pub, item),
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
    """A view's combined document as a pakket: the view's title, audiences and edition
    date, its items in :func:`view_order`, no intro (the view has none), published by the
    site's publisher (else the first pakket's)."""
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
        edition=view.edition,
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

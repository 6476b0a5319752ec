"""The small records a resolved item is made of (see :class:`pakketbuild.publication.PubItem`):
plain values in the shape every format shares, with their Dutch labels and link forms.
Nothing here renders Markdown or knows a format."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from pakketbuild import labels, mediatypes
from pakketbuild.model import Audience


@dataclass(frozen=True)
class PubAudience:
    """An audience with its Dutch labels."""

    id: Audience
    label: str
    """Singular: ``burgemeester``."""
    label_plural: str
    """Plural: ``burgemeesters``."""

    @classmethod
    def of(cls, audience: Audience) -> PubAudience:
        return cls(audience, labels.audience_label(audience), labels.audience_plural(audience))


@dataclass(frozen=True)
class PubContact:
    """One way to reach someone, with its phone number in E.164 form and its links."""

    label: str
    phone: str | None
    """As the source writes it (shown)."""
    phone_e164: str | None
    """``+31701234567`` (for links and machines)."""
    email: str | None
    url: str | None
    hours: str | None

    @property
    def phone_href(self) -> str | None:
        """``tel:+31…`` when there is a phone number."""
        return f"tel:{self.phone_e164}" if self.phone_e164 else None

    @property
    def email_href(self) -> str | None:
        return f"mailto:{self.email}" if self.email else None


@dataclass(frozen=True)
class PubDocument:
    """A document of an item."""

    title: str
    url: str | None
    path: str | None
    media_type: str | None

    @property
    def media_label(self) -> str | None:
        """The file type as readers see it (``PDF``, ``Word``), when known."""
        return mediatypes.label(self.media_type) if self.media_type else None


@dataclass(frozen=True)
class PubRef:
    """Another published item, as a reference: its id and title."""

    id: str
    title: str


@dataclass(frozen=True)
class PubChange:
    """One entry of an item's change log (or of a pakket's editions)."""

    date: dt.date
    summary: str

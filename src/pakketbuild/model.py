"""The content model: what editors write, validated by pydantic.

Every model is strict about its shape (unknown keys are errors) and immutable.
Field descriptions are Dutch because they are shown to editors while they type
(they become the descriptions in the JSON Schema under ``schema/``).

Custom checks raise :class:`pydantic_core.PydanticCustomError` whose *type* is a
pakketbuild error code (``invalid-phone``, ``insecure-url`` …) and whose message is
already plain language; :mod:`pakketbuild.messages` passes those through unchanged.

Why one module: this is the content contract. The JSON Schema under ``schema/``, the
browser editor's fields and the error messages are generated from it, and the field
checks are part of the field types (``Annotated`` validators), so one file says what
content may contain.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from enum import StrEnum
from functools import lru_cache
from pathlib import PurePosixPath
from typing import Annotated
from urllib.parse import urlsplit

import phonenumbers
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, computed_field, model_validator
from pydantic_core import PydanticCustomError

from pakketbuild.i18n import _

SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
_SLUG = re.compile(SLUG_PATTERN)
WINDOWS_RESERVED = {"con", "prn", "aux", "nul"} | {
    f"{p}{n}" for p in ("com", "lpt") for n in range(10)
}
"""Names Windows reserves for devices: never an id (a file name on a Windows checkout)."""
# Characters that change how text is displayed without being visible: bidi overrides,
# isolates and marks (used to disguise text), zero-width characters, and the two
# noncharacters XML cannot hold (they would break the Word document).
_INVISIBLE = set(
    "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200b\u200c\u200d\u2060\ufeff"
    "\u200e\u200f\u061c\ufffe\uffff"
)
_EMAIL = re.compile(
    r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$"
)


class Audience(StrEnum):
    """Roles a text is meant for. Values are Dutch domain terms and never translated."""

    BURGEMEESTER = "burgemeester"
    WETHOUDER = "wethouder"
    RAADSLID = "raadslid"
    STATENLID = "statenlid"
    GRIFFIER = "griffier"
    SECRETARIS = "secretaris"
    VOORZITTER = "voorzitter"
    GEZIN = "gezin"


AUDIENCE_LABELS: dict[Audience, tuple[str, str]] = {
    Audience.BURGEMEESTER: ("burgemeester", "burgemeesters"),
    Audience.WETHOUDER: ("wethouder", "wethouders"),
    Audience.RAADSLID: ("raadslid", "raadsleden"),
    Audience.STATENLID: ("Statenlid", "Statenleden"),
    Audience.GRIFFIER: ("griffier", "griffiers"),
    Audience.SECRETARIS: ("secretaris", "secretarissen"),
    Audience.VOORZITTER: ("voorzitter", "voorzitters"),
    Audience.GEZIN: ("partner en gezin", "partners en gezinnen"),
}
"""Dutch display labels (singular, plural) for each audience."""


class Kind(StrEnum):
    """What sort of support an item describes (English identifiers, Dutch labels)."""

    SUPPORT_LINE = "support-line"
    NORM = "norm"
    SCAN = "scan"
    TRAINING = "training"
    STEP_PLAN = "step-plan"
    PROTECTION_SYSTEM = "protection-system"
    ADVICE_DESK = "advice-desk"
    OTHER = "other"


KIND_LABELS: dict[Kind, str] = {
    Kind.SUPPORT_LINE: "Ondersteuningslijn",
    Kind.NORM: "Norm",
    Kind.SCAN: "Scan",
    Kind.TRAINING: "Training",
    Kind.STEP_PLAN: "Stappenplan",
    Kind.PROTECTION_SYSTEM: "Beveiligingsstelsel",
    Kind.ADVICE_DESK: "Adviespunt",
    Kind.OTHER: "Overig",
}


class Status(StrEnum):
    """Editorial status; only ``gepubliceerd`` items are published."""

    CONCEPT = "concept"
    GEPUBLICEERD = "gepubliceerd"
    GEARCHIVEERD = "gearchiveerd"


# --------------------------------------------------------------------------- value checks


_SUSPECT = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f" + "".join(sorted(_INVISIBLE)) + "]")
"""Every character :func:`check_text` refuses (Unicode category Cc is U+0000 to U+001F and
U+007F to U+009F; tab and newline are allowed): one regex search over text that is fine."""


def check_text(value: str) -> str:
    """``value`` when it holds no invisible or control characters (tab and newline
    allowed); the validator of every text field (:data:`Text`), which the browser
    editor's configuration recognises (``cms/config.py``)."""
    if _SUSPECT.search(value) is None:
        return value
    bad = sorted(
        {
            c
            for c in value
            if c in _INVISIBLE or (unicodedata.category(c) == "Cc" and c not in "\n\t")
        }
    )
    if bad:
        names = ", ".join(f"U+{ord(c):04X}" for c in bad)
        raise PydanticCustomError(
            "invisible-character",
            _(
                "the text contains invisible or control characters ({names}); "
                "retype the text or paste it as plain text"
            ),
            {"names": names},
        )
    return value


def _check_line(value: str) -> str:
    check_text(value)
    if "\n" in value or "\t" in value:
        raise PydanticCustomError(
            "invalid-value", _("this must be a single line of text without line breaks or tabs")
        )
    if not value.strip():
        raise PydanticCustomError("invalid-value", _("this text must not be empty"))
    if value != value.strip():
        raise PydanticCustomError("invalid-value", _("remove the spaces at the start or end"))
    return value


def _check_slug(value: str) -> str:
    if not _SLUG.fullmatch(value):
        raise PydanticCustomError(
            "invalid-id",
            _(
                "'{value}' is not a valid id: use lower-case letters a-z, digits and single "
                "hyphens, for example 'woningscan'"
            ),
            {"value": value},
        )
    if len(value) > 80:
        raise PydanticCustomError("invalid-id", _("an id may be at most 80 characters long"))
    if value in WINDOWS_RESERVED:
        raise PydanticCustomError(
            "invalid-id",
            _("'{value}' is reserved as a file name on Windows; choose another id"),
            {"value": value},
        )
    return value


def _check_https(value: str) -> str:
    _check_line(value)
    parts = urlsplit(value)
    if value.lower().startswith("http://") and parts.hostname:
        raise PydanticCustomError(
            "insecure-url",
            _("'{value}' is not a secure address; write '{fix}' (with an s)"),
            {"value": value, "fix": "https://" + value[7:]},
        )
    if value.lower().startswith("www."):
        raise PydanticCustomError(
            "insecure-url",
            _("'{value}' has no 'https://' in front; write '{fix}'"),
            {"value": value, "fix": "https://" + value},
        )
    if parts.scheme.lower() != "https" or not parts.hostname:
        raise PydanticCustomError(
            "insecure-url",
            _(
                "'{value}' is not an https address; only addresses starting with https:// are "
                "allowed (http, javascript: and other schemes are refused)"
            ),
            {"value": value},
        )
    if parts.username or parts.password or any(c.isspace() for c in value):
        raise PydanticCustomError(
            "insecure-url",
            _("'{value}' must not contain spaces or a user name/password"),
            {"value": value},
        )
    return value


def _check_email(value: str) -> str:
    _check_line(value)
    if not _EMAIL.fullmatch(value):
        raise PydanticCustomError(
            "invalid-email",
            _("'{value}' is not an e-mail address such as 'naam@voorbeeld.nl'"),
            {"value": value},
        )
    return value


@lru_cache(maxsize=4096)
def _parse_phone(value: str) -> tuple[bool, str | None]:
    """(valid?, E.164 form) of a phone number as written (Dutch numbers without a
    country code); cached, as ``phonenumbers`` is slow and every page shows the number."""
    try:
        number = phonenumbers.parse(value, "NL")
    except phonenumbers.NumberParseException:
        return False, None
    e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    return phonenumbers.is_valid_number(number), e164


def _check_phone(value: str) -> str:
    _check_line(value)
    if not _parse_phone(value)[0]:
        raise PydanticCustomError(
            "invalid-phone",
            _(
                "'{value}' is not a valid phone number; write it as a Dutch number such as "
                "'070-1234567' or with a country code such as '+31 70 123 4567'"
            ),
            {"value": value},
        )
    return value


def _check_relative_path(value: str) -> str:
    _check_line(value)
    path = PurePosixPath(value)
    if value.startswith(("/", "\\")) or "\\" in value or ":" in value or path.is_absolute():
        raise PydanticCustomError(
            "path-outside-content",
            _(
                "'{value}' must be a path inside the content folder, relative to it, "
                "such as 'documenten/factsheet.pdf'"
            ),
            {"value": value},
        )
    if any(part in ("..", ".") for part in path.parts):
        raise PydanticCustomError(
            "path-outside-content",
            _(
                "'{value}' uses '.' or '..'; write the path from the content folder down, "
                "such as 'documenten/factsheet.pdf'"
            ),
            {"value": value},
        )
    return value


Slug = Annotated[str, AfterValidator(_check_slug), Field(pattern=SLUG_PATTERN, max_length=80)]
Line = Annotated[str, AfterValidator(_check_line)]
Text = Annotated[str, AfterValidator(check_text)]
HttpsUrl = Annotated[str, AfterValidator(_check_https), Field(pattern=r"^https://")]
Email = Annotated[str, AfterValidator(_check_email)]
Phone = Annotated[str, AfterValidator(_check_phone)]
ContentPath = Annotated[str, AfterValidator(_check_relative_path)]


FIELD_LABELS: dict[str, str] = {
    "id": "Id (vaste sleutel)",
    "title": "Titel",
    "kind": "Soort",
    "summary": "Inleiding (lead)",
    "body": "Tekst",
    "intro": "Inleiding",
    "audiences": "Doelgroepen",
    "providers": "Aanbieders",
    "contacts": "Contactgegevens",
    "documents": "Documenten",
    "steps": "Stappen",
    "related": "Verwante onderdelen",
    "status": "Status",
    "last_reviewed": "Laatst gecontroleerd",
    "review_by": "Controleren vóór",
    "owner": "Eigenaar",
    "changes": "Wijzigingen",
    "replaced_by": "Vervangen door",
    "items": "Onderdelen",
    "publisher": "Uitgever",
    "edition": "Editie",
    "editions": "Edities",
    "label": "Omschrijving",
    "phone": "Telefoon",
    "email": "E-mail",
    "url": "Webadres",
    "hours": "Bereikbaar",
    "path": "Bestand",
    "media_type": "Bestandssoort",
    "text": "Uitleg",
    "date": "Datum",
    "name": "Naam",
    "abbreviation": "Afkorting",
    "base_url": "Publicatieadres",
    "language": "Taal",
    "docx_template": "Word-sjabloon",
    "theme": "Thema",
    "views": "Weergaven",
    "cms": "Browser-editor",
    "backend": "Git-dienst",
    "repo": "Repository",
    "branch": "Tak (branch)",
    "content_folder": "Map met de inhoud",
    "api_root": "API-adres (eigen GitLab)",
    "review_policy": "Controlebeleid",
    "published": "Eerste publicatie",
    "license": "Licentie",
}
"""The Dutch label of every field, by name: the title editors see in the JSON Schema
(``schema/``, through the models' ``field_title_generator``) and the browser editor's
field label; the hint under it is the field's description. A new field's name goes here,
beside the field (a test lists the fields without one). A field whose name means
something else in its model has a ``title`` of its own (a change's ``summary``)."""


def _field_title(name: str, info: object) -> str:
    return FIELD_LABELS.get(name, name.replace("_", " ").capitalize())


class _Model(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        str_strip_whitespace=False,
        field_title_generator=_field_title,
    )


# --------------------------------------------------------------------------- parts


class Contact(_Model):
    """One way to reach someone: a phone number, an e-mail address and/or a web address."""

    label: Line = Field(description="Waarvoor dit contact is, bijvoorbeeld 'Ondersteuningsteam'.")
    phone: Phone | None = Field(
        default=None,
        description="Telefoonnummer zoals het getoond wordt, bijvoorbeeld '070-1234567'.",
    )
    email: Email | None = Field(default=None, description="E-mailadres.")
    url: HttpsUrl | None = Field(default=None, description="Webadres (https://…).")
    hours: Line | None = Field(
        default=None, description="Wanneer bereikbaar, zoals de bron het zegt (optioneel)."
    )

    @computed_field(description="Het telefoonnummer in E.164-vorm voor tel:-links.")  # type: ignore[prop-decorator]
    @property
    def phone_e164(self) -> str | None:
        if self.phone is None:
            return None
        return _parse_phone(self.phone)[1]

    @model_validator(mode="after")
    def _one_channel(self) -> Contact:
        if self.phone is None and self.email is None and self.url is None:
            raise PydanticCustomError(
                "empty-contact",
                _("a contact needs at least one of 'phone', 'email' or 'url'"),
            )
        return self


class Document(_Model):
    """A document that belongs to an item, such as a factsheet."""

    title: Line = Field(description="Titel van het document zoals de bron die noemt.")
    url: HttpsUrl | None = Field(default=None, description="Webadres van het document (https://…).")
    path: ContentPath | None = Field(
        default=None,
        description="Bestand in de map content/, relatief daaraan, bijvoorbeeld "
        "'documenten/factsheet.pdf'.",
    )
    media_type: Line | None = Field(
        default=None,
        description="Bestandssoort als MIME-type, bijvoorbeeld 'application/pdf'.",
        pattern=r"^[a-z]+/[a-z0-9.+-]+$",
    )

    @model_validator(mode="after")
    def _one_location(self) -> Document:
        if self.url is not None and self.path is not None:
            raise PydanticCustomError(
                "invalid-value", _("give either 'url' or 'path' for a document, not both")
            )
        return self


class Step(_Model):
    """One step of a step plan."""

    title: Line = Field(description="Korte naam van de stap.")
    text: Text | None = Field(default=None, description="Uitleg bij de stap (Markdown).")


class Change(_Model):
    """One entry in an item's change log."""

    date: dt.date = Field(description="Datum van de wijziging (JJJJ-MM-DD).")
    summary: Line = Field(title="Wat er veranderde", description="Wat er veranderde, in één zin.")


class Edition(_Model):
    """One edition of a pakket."""

    date: dt.date = Field(description="Datum van deze editie (JJJJ-MM-DD).")
    summary: Line = Field(
        title="Wat er nieuw is",
        description="Korte samenvatting van de wijzigingen in deze editie.",
    )


def _check_dates(last_reviewed: dt.date | None, review_by: dt.date | None) -> None:
    if last_reviewed and review_by and review_by < last_reviewed:
        raise PydanticCustomError(
            "date-order",
            _(
                "review_by ({review_by}) is before last_reviewed ({last_reviewed}); "
                "the next review must come after the last one"
            ),
            {
                "review_by": str(review_by),
                "last_reviewed": str(last_reviewed),
                "field": "review_by",
            },
        )


# --------------------------------------------------------------------------- documents


class Organisation(_Model):
    """An organisation that publishes, provides or takes part in support."""

    id: Slug = Field(description="Vaste sleutel van de organisatie, bijvoorbeeld 'sipa'.")
    name: Line = Field(description="Volledige naam zoals de bron die schrijft.")
    abbreviation: Line | None = Field(default=None, description="Afkorting, bijvoorbeeld 'SIPA'.")
    url: HttpsUrl | None = Field(default=None, description="Website (https://…), als bekend.")


class OrganisationsFile(_Model):
    """``content/organisaties.yaml``: every organisation the content refers to."""

    organisations: list[Organisation] = Field(description="Alle organisaties.")


class Item(_Model):
    """One product, service or form of support in a pakket (``content/items/<id>.md``)."""

    id: Slug = Field(description="Vaste sleutel; gelijk aan de bestandsnaam zonder '.md'.")
    title: Line = Field(description="Titel van het onderdeel.")
    kind: Kind = Field(
        description="Soort onderdeel: support-line (ondersteuningslijn), norm, scan, training, "
        "step-plan (stappenplan), protection-system (beveiligingsstelsel), advice-desk "
        "(adviespunt) of other."
    )
    summary: Text = Field(
        description="Inleidende alinea (lead), één alinea zonder witregel. Wordt vóór de "
        "tekst getoond."
    )
    body: Text = Field(
        default="",
        description="De tekst in Markdown (na de front matter). Tussenkoppen met '##'.",
    )
    audiences: list[Audience] = Field(
        min_length=1, description="Voor wie dit onderdeel is, bijvoorbeeld [burgemeester]."
    )
    providers: list[Slug] = Field(
        default_factory=list, description="Ids van organisaties die dit aanbieden."
    )
    contacts: list[Contact] = Field(default_factory=list, description="Contactgegevens.")
    documents: list[Document] = Field(default_factory=list, description="Bijbehorende documenten.")
    steps: list[Step] = Field(
        default_factory=list, description="Stappen, in volgorde (voor een stappenplan)."
    )
    related: list[Slug] = Field(default_factory=list, description="Ids van verwante onderdelen.")
    status: Status = Field(
        default=Status.CONCEPT, description="concept, gepubliceerd of gearchiveerd."
    )
    published: dt.date | None = Field(
        default=None,
        description="Datum waarop dit onderdeel voor het eerst gepubliceerd is (JJJJ-MM-DD). "
        "Alleen invullen als die datum vaststaat; los van het wijzigingslog. Partners zien "
        "hem als publicatiedatum in de feeds.",
    )
    last_reviewed: dt.date | None = Field(
        default=None, description="Datum van de laatste inhoudelijke controle (JJJJ-MM-DD)."
    )
    review_by: dt.date | None = Field(
        default=None, description="Uiterste datum van de volgende controle (JJJJ-MM-DD)."
    )
    owner: Line | None = Field(
        default=None, description="Wie verantwoordelijk is voor de inhoud (naam of team)."
    )
    changes: list[Change] = Field(
        default_factory=list, description="Wijzigingslog: datum en samenvatting per wijziging."
    )
    replaced_by: Slug | None = Field(
        default=None, description="Bij een gearchiveerd onderdeel: id van de opvolger."
    )

    @model_validator(mode="after")
    def _dates_in_order(self) -> Item:
        _check_dates(self.last_reviewed, self.review_by)
        return self


class Pakket(_Model):
    """A pakket: an ordered bundle of items (``content/pakketten/<id>.md``, body = intro)."""

    id: Slug = Field(description="Vaste sleutel; gelijk aan de bestandsnaam zonder '.md'.")
    title: Line = Field(description="Titel van het pakket.")
    intro: Text = Field(default="", description="Inleiding in Markdown (na de front matter).")
    items: list[Slug] = Field(min_length=1, description="Ids van de onderdelen, in volgorde.")
    audiences: list[Audience] = Field(min_length=1, description="Voor wie het pakket is.")
    publisher: Slug = Field(description="Id van de organisatie die het pakket uitgeeft.")
    edition: dt.date | None = Field(
        default=None, description="Datum van deze editie (JJJJ-MM-DD), als bekend."
    )
    editions: list[Edition] = Field(
        default_factory=list, description="Eerdere en huidige edities met samenvatting."
    )
    status: Status = Field(
        default=Status.GEPUBLICEERD, description="concept, gepubliceerd of gearchiveerd."
    )


class View(_Model):
    """One audience view: its own subtree ``views/<id>/`` of the export with only the items
    (and passages) for its audiences, in its own theme."""

    id: Slug = Field(
        description="Vaste sleutel van de weergave; de map heet views/<id>/, bijvoorbeeld "
        "'raadsleden'."
    )
    title: Line = Field(
        description="Titel van de weergave, bijvoorbeeld 'Veiligheidspakket voor raadsleden'."
    )
    audiences: list[Audience] = Field(
        min_length=1, description="Voor wie deze weergave is, bijvoorbeeld [raadslid]."
    )
    theme: Slug | None = Field(
        default=None,
        description="Id van een thema in content/themes/<id>/tokens.json; leeg = het "
        "neutrale standaardthema.",
    )
    items: list[Slug] = Field(
        default_factory=list,
        description="Optioneel: ids van onderdelen die vooraan in het document van deze "
        "weergave staan, in deze volgorde; de overige volgen in de volgorde van de pakketten.",
    )
    edition: dt.date | None = Field(
        default=None,
        description="Optioneel: datum van deze editie van het document van de weergave "
        "(JJJJ-MM-DD), op het omslag en in het colofon. Leeg = de datum van de laatste "
        "wijziging in git (SOURCE_DATE_EPOCH), als de build die kent.",
    )


class ReviewPolicy(StrEnum):
    """How ``check`` treats a published item without review dates."""

    GELEIDELIJK = "geleidelijk"
    """A missing review date is a notice while no published item has review dates yet, and
    a warning (which fails ``check --strict``) from the first review date on."""
    VERPLICHT = "verplicht"
    """A missing review date is always a warning."""


class GitHost(StrEnum):
    """Git hosts the browser editor (Decap CMS) can save to."""

    GITHUB = "github"
    GITLAB = "gitlab"


class CmsSettings(_Model):
    """Where the browser editor (``pakketbuild cms``, Decap CMS) saves: the git repository
    that holds the content folder."""

    backend: GitHost = Field(
        description="Waar de bestanden staan: github of gitlab. De redacteur logt in bij die "
        "dienst en elke opslag wordt daar een commit."
    )
    repo: Annotated[str, Field(pattern=r"^[A-Za-z0-9_.-]+(/[A-Za-z0-9_.-]+)+$")] = Field(
        description="Naam van de repository als 'eigenaar/naam', bijvoorbeeld "
        "'vereniging/veiligheidspakket' (bij GitLab mag ook 'groep/subgroep/naam')."
    )
    branch: Line = Field(
        default="main", description="Tak (branch) waarin de editor opslaat, meestal 'main'."
    )
    content_folder: ContentPath = Field(
        default="content",
        description="Pad van de map content/ binnen de repository, meestal 'content'.",
    )
    api_root: HttpsUrl | None = Field(
        default=None,
        description="Alleen voor een eigen GitLab-server: het API-adres, bijvoorbeeld "
        "'https://gitlab.example.nl/api/v4'. Leeg = gitlab.com of github.com.",
    )


class SiteConfig(_Model):
    """``content/site.yaml``: settings for the whole publication."""

    title: Line = Field(description="Naam van de site en de feeds.")
    id: Slug = Field(
        description="Vaste sleutel van de publicatie; onderdeel van de feed-ids, nooit wijzigen."
    )
    base_url: HttpsUrl | None = Field(
        default=None,
        description="Adres waar exports/ gepubliceerd wordt (https://…/), voor absolute links "
        "in feeds. Leeg laten zolang het niet vastligt.",
    )
    language: Annotated[str, Field(pattern=r"^[a-z]{2}(-[A-Z]{2})?$")] = Field(
        default="nl", description="Standaardtaal, bijvoorbeeld 'nl'."
    )
    publisher: Slug | None = Field(
        default=None, description="Id van de organisatie die de site uitgeeft."
    )
    docx_template: ContentPath | None = Field(
        default=None,
        description="Word-sjabloon (.docx) in content/ waarvan de stijlen gebruikt worden.",
    )
    theme: Slug | None = Field(
        default=None,
        description="Thema van de volledige editie (content/themes/<id>/tokens.json); leeg = "
        "het neutrale standaardthema.",
    )
    views: list[View] = Field(
        default_factory=list,
        description="Weergaven per doelgroep, bijvoorbeeld één per vereniging.",
    )
    review_policy: ReviewPolicy = Field(
        default=ReviewPolicy.GELEIDELIJK,
        description="Hoe streng de controle is op ontbrekende controledatums. 'geleidelijk': "
        "een ontbrekende datum is een opmerking zolang nog geen enkel gepubliceerd onderdeel "
        "controledatums heeft, en een waarschuwing zodra het eerste onderdeel ze heeft. "
        "'verplicht': altijd een waarschuwing. Een verlopen controledatum is altijd een "
        "waarschuwing.",
    )
    cms: CmsSettings | None = Field(
        default=None,
        description="Bewerken in de browser (pakketbuild cms): de git-repository waarin de "
        "editor opslaat. Leeg = de editor werkt alleen lokaal via 'pakketbuild serve'.",
    )
    license: Line | None = Field(
        default=None,
        description="Optioneel: de licentie van de inhoud, zoals die in het colofon van de "
        "documenten staat, bijvoorbeeld 'CC BY 4.0'. Leeg = er staat geen licentie in.",
    )


class WithdrawnEntry(_Model):
    """An item whose file was removed, kept as a tombstone (``content/withdrawn.yaml``)."""

    id: Slug = Field(description="Id van het verwijderde onderdeel (de oude bestandsnaam).")
    date: dt.date = Field(description="Datum van intrekking (JJJJ-MM-DD).")
    title: Line | None = Field(default=None, description="Titel die het onderdeel had.")
    replaced_by: Slug | None = Field(default=None, description="Id van de opvolger, als die er is.")
    reason: Line | None = Field(default=None, description="Waarom het is ingetrokken (één zin).")
    audiences: list[Audience] = Field(
        default_factory=list,
        description="Voor wie het onderdeel was, bijvoorbeeld [burgemeester]. De intrekking "
        "verschijnt dan ook in de feeds van die doelgroepen; leeg = alleen in de feeds met "
        "alle onderdelen.",
    )


class WithdrawnFile(_Model):
    """``content/withdrawn.yaml``: items that were removed and must stay findable."""

    withdrawn: list[WithdrawnEntry] = Field(description="Ingetrokken onderdelen.")


def schema_models() -> dict[str, type[BaseModel]]:
    """The models published as JSON Schema, by file stem."""
    return {
        "item": Item,
        "pakket": Pakket,
        "organisations": OrganisationsFile,
        "site": SiteConfig,
        "withdrawn": WithdrawnFile,
    }

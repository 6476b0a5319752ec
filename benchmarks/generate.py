"""Generate synthetic content shaped like the real Veiligheidspakket.

    python benchmarks/generate.py N OUT_DIR [--seed S]

writes ``OUT_DIR/site.yaml``, ``OUT_DIR/organisaties.yaml``, ``N`` items under
``OUT_DIR/items/`` and one pakket per ~10 items under ``OUT_DIR/pakketten/``. The output
depends only on ``N`` and the seed: the same arguments give the same bytes.

Items have the front matter real items have (kind, summary, audiences, providers,
contacts with valid Dutch phone numbers, documents, steps for step plans, related items,
review dates, change log) and Markdown bodies with ``##`` sections, lists and links.
About 3% of the items are concepts that no pakket includes, as in a real editorial flow.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import shutil
from pathlib import Path

import phonenumbers

KINDS = [
    "support-line",
    "norm",
    "scan",
    "training",
    "step-plan",
    "protection-system",
    "advice-desk",
    "other",
]
AUDIENCES = [
    "burgemeester",
    "wethouder",
    "raadslid",
    "statenlid",
    "griffier",
    "secretaris",
    "voorzitter",
    "gezin",
]
ORGANISATIONS = [
    ("netwerk-weerbaar-bestuur", "Netwerk Weerbaar Bestuur", None),
    ("ministerie-van-bzk", "ministerie van BZK", "BZK"),
    ("opleidingsinstituut-dji", "opleidingsinstituut DJI", None),
    ("openbaar-ministerie", "Openbaar Ministerie", None),
    ("politie", "politie", None),
    ("sipa", "Steunpunt Integriteitsonderzoek Politieke Ambtsdragers", "SIPA"),
    ("vng", "Vereniging van Nederlandse Gemeenten", "VNG"),
    ("ipo", "Interprovinciaal Overleg", "IPO"),
]
TOPICS = [
    "agressie",
    "intimidatie",
    "bedreiging",
    "beveiliging",
    "woning",
    "sociale media",
    "aangifte",
    "melding",
    "weerbaarheid",
    "integriteit",
    "veiligheid",
    "ondersteuning",
    "training",
    "advies",
    "netwerk",
    "gezin",
]
WORDS = [
    "de",
    "het",
    "een",
    "en",
    "van",
    "in",
    "op",
    "met",
    "voor",
    "door",
    "bij",
    "uw",
    "u",
    "wij",
    "ons",
    "dat",
    "die",
    "deze",
    "niet",
    "ook",
    "als",
    "om",
    "naar",
    "over",
    "tot",
    "maar",
    "worden",
    "wordt",
    "kan",
    "kunt",
    "moet",
    "heeft",
    "hebben",
    "zijn",
    "is",
    "was",
    "werd",
    "veilig",
    "veiligheid",
    "bestuurder",
    "gemeente",
    "raad",
    "college",
    "burgemeester",
    "wethouder",
    "ondersteuning",
    "hulp",
    "advies",
    "melding",
    "aangifte",
    "politie",
    "contact",
    "gesprek",
    "situatie",
    "risico",
    "maatregel",
    "afspraak",
    "netwerk",
    "team",
    "persoonlijk",
    "weerbaar",
    "ambt",
    "functie",
    "omgeving",
    "woning",
    "gezin",
    "partner",
    "collega",
    "organisatie",
    "informatie",
    "vragen",
    "snel",
    "direct",
    "altijd",
    "samen",
    "goed",
    "belangrijk",
]
HEADINGS = [
    "Wat houdt het in",
    "Voor wie",
    "Hoe werkt het",
    "Wat kunt u verwachten",
    "Contact en aanmelden",
    "Meer informatie",
    "Achtergrond",
    "Praktische tips",
]


def sentence(rng: random.Random, words: int = 0) -> str:
    count = words or rng.randint(8, 18)
    text = " ".join(rng.choice(WORDS) for _ in range(count))
    return text[0].upper() + text[1:] + "."


def paragraph(rng: random.Random) -> str:
    return " ".join(sentence(rng) for _ in range(rng.randint(2, 4)))


def phone(rng: random.Random) -> str:
    """A valid Dutch number written as editors write them (070-3738314 and variants)."""
    while True:
        area = rng.choice(["070", "010", "020", "030", "040", "050", "088"])
        rest = f"{rng.randint(2000000, 9999999)}"
        style = rng.randint(0, 2)
        if style == 0:
            text = f"{area}-{rest}"
        elif style == 1:
            text = f"{area} {rest[:3]} {rest[3:]}"
        else:
            text = f"+31 {area[1:]} {rest[:3]} {rest[3:]}"
        if phonenumbers.is_valid_number(phonenumbers.parse(text, "NL")):
            return text


def body(rng: random.Random, slug: str) -> str:
    parts: list[str] = [paragraph(rng)]
    for heading in rng.sample(HEADINGS, rng.randint(2, 4)):
        parts.append(f"## {heading}")
        parts.append(paragraph(rng))
        if rng.random() < 0.6:
            parts.append("\n".join(f"- {sentence(rng, rng.randint(4, 9))}" for _ in range(3)))
        if rng.random() < 0.5:
            parts.append(
                f"Lees meer op [de pagina over {rng.choice(TOPICS)}]"
                f"(https://www.example.nl/{slug}) of mail naar "
                f"[het team](mailto:info@example.nl)."
            )
    return "\n\n".join(parts) + "\n"


def title_of(rng: random.Random, index: int) -> tuple[str, str]:
    first = rng.choice(TOPICS)
    second = rng.choice(["scan", "training", "steunpunt", "norm", "stappenplan", "advies"])
    title = f"{first.capitalize()} {second} {index + 1}"
    slug = "-".join(title.lower().split())
    return title, slug


def item_text(rng: random.Random, index: int, slug: str, title: str, related: list[str]) -> str:
    kind = KINDS[index % len(KINDS)]
    audiences = sorted(rng.sample(AUDIENCES, rng.randint(1, 3)), key=AUDIENCES.index)
    providers = sorted({rng.choice(ORGANISATIONS)[0] for _ in range(rng.randint(1, 2))})
    reviewed = dt.date(2026, 1, 1) + dt.timedelta(days=rng.randint(0, 300))
    lines = [
        "---",
        "# yaml-language-server: $schema=../../schema/item.json",
        f"id: {slug}",
        f"title: {title}",
        f"kind: {kind}",
        f"summary: {sentence(rng, 20)}",
        f"audiences: [{', '.join(audiences)}]",
        f"providers: [{', '.join(providers)}]",
        "contacts:",
        f"  - label: {title}",
        f"    phone: {phone(rng)}",
    ]
    if rng.random() < 0.5:
        lines += [f"    email: {slug[:20].strip('-')}@example.nl", "    hours: werkdagen 9-17 uur"]
    if rng.random() < 0.4:
        lines += [
            "documents:",
            f"  - title: Factsheet {title}",
            f"    url: https://www.example.nl/documenten/{slug}.pdf",
            "    media_type: application/pdf",
        ]
    if kind == "step-plan":
        lines.append("steps:")
        for step in range(1, 5):
            lines += [f"  - title: Stap {step}", f"    text: {sentence(rng)}"]
    if related:
        lines.append(f"related: [{', '.join(related)}]")
    lines += [
        "status: gepubliceerd",
        f"last_reviewed: {reviewed.isoformat()}",
        f"review_by: {(reviewed + dt.timedelta(days=3 * 365)).isoformat()}",
        "owner: Redactie Netwerk Weerbaar Bestuur",
        "changes:",
        f"  - date: {reviewed.isoformat()}",
        "    summary: Tekst herzien.",
        "---",
    ]
    return "\n".join(lines) + "\n" + body(rng, slug)


def generate(count: int, out: Path, seed: int = 2026) -> None:
    rng = random.Random(seed)
    if out.exists():
        shutil.rmtree(out)
    (out / "items").mkdir(parents=True)
    (out / "pakketten").mkdir()
    (out / "site.yaml").write_text(
        "title: Netwerk Weerbaar Bestuur - Veiligheidspakketten (synthetisch)\n"
        "id: netwerk-weerbaar-bestuur\nlanguage: nl\npublisher: netwerk-weerbaar-bestuur\n",
        encoding="utf-8",
    )
    orgs = ["organisations:"]
    for ident, name, abbreviation in ORGANISATIONS:
        orgs += [f"  - id: {ident}", f"    name: {name}"]
        if abbreviation:
            orgs.append(f"    abbreviation: {abbreviation}")
    (out / "organisaties.yaml").write_text("\n".join(orgs) + "\n", encoding="utf-8")

    slugs: list[str] = []
    titles: list[str] = []
    for index in range(count):
        title, slug = title_of(rng, index)
        slugs.append(slug)
        titles.append(title)
    concept = {i for i in range(count) if rng.random() < 0.03}
    published = [i for i in range(count) if i not in concept]
    groups = [published[i : i + 10] for i in range(0, len(published), 10)]
    for index, slug in enumerate(slugs):
        group = next((g for g in groups if index in g), [])
        others = [slugs[i] for i in group if i != index]
        related = sorted(rng.sample(others, min(len(others), rng.randint(0, 2))))
        text = item_text(rng, index, slug, titles[index], related)
        if index in concept:
            text = text.replace("status: gepubliceerd", "status: concept")
        (out / "items" / f"{slug}.md").write_text(text, encoding="utf-8")
    for number, group in enumerate(groups, start=1):
        ident = f"veiligheidspakket-{number:04d}"
        audiences = sorted(rng.sample(AUDIENCES, 2), key=AUDIENCES.index)
        lines = [
            "---",
            f"id: {ident}",
            f"title: Veiligheidspakket {number}",
            "items:",
            *(f"  - {slugs[i]}" for i in group),
            f"audiences: [{', '.join(audiences)}]",
            "publisher: netwerk-weerbaar-bestuur",
            "status: gepubliceerd",
            "---",
            paragraph(rng),
            "",
            paragraph(rng),
        ]
        (out / "pakketten" / f"{ident}.md").write_text("\n".join(lines) + "\n", encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else "")
    parser.add_argument("count", type=int, help="number of items")
    parser.add_argument("out", type=Path, help="content folder to (re)create")
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    generate(args.count, args.out, args.seed)


if __name__ == "__main__":
    main()

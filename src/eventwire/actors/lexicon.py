"""The actor lexicon: named actors, countries/demonyms, ethnic groups and general role rules.

All knowledge is read from YAML files in ``eventwire/data/actors`` (and the user's own files);
this module only validates and indexes it. Load once with :meth:`ActorLexicon.load` and pass it in.
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any


from eventwire.datafiles import load_yaml

DATA_PACKAGE = "eventwire.data"
DATA_DIR = "actors"
# Files in data/actors that are not actor lists.
SPECIAL_FILES = {"nationalities.yaml", "rules.yaml", "ethnic.yaml"}
# "SNA (SO)" / "ADF (Cameroon)": an alias that only counts when the context country is that one.
_QUALIFIED = re.compile(r"^(?P<alias>.+?)\s*\((?P<where>[^()]+)\)$")
_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "`": "'"})


@dataclass(frozen=True)
class Actor:
    """One named actor. `by_country` / `template` give country-specific names ("Islamic State (Iraq)")."""

    name: str
    inter: int
    country: str | None = None
    aliases: tuple[str, ...] = ()
    guarded: frozenset[str] = frozenset()
    by_country: dict[str, str] = field(default_factory=dict, hash=False, compare=False)
    template: str | None = None
    origin: str = "lexicon"  # lexicon | user

    def name_in(self, iso2: str | None, lexicon: ActorLexicon) -> str:
        """The actor's name for events in country `iso2` (its plain name when nothing specific applies)."""
        if iso2:
            if iso2 in self.by_country:
                return self.by_country[iso2]
            if self.template and iso2 in lexicon.countries:
                return self.template.format(country=lexicon.countries[iso2].name)
        return self.name


@dataclass(frozen=True)
class Country:
    iso2: str
    name: str                       # ACLED short name: "Syria", "Democratic Republic of Congo"
    demonyms: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    the: bool = False               # "Military Forces of the United States"

    @property
    def forces_name(self) -> str:
        return f"the {self.name}" if self.the else self.name


@dataclass(frozen=True)
class EthnicGroup:
    name: str
    countries: tuple[str, ...]
    aliases: tuple[str, ...] = ()
    template: str = "{name} Ethnic Militia ({country})"


@dataclass(frozen=True)
class Role:
    """A general rule: role nouns ("troops", "villagers") -> an ACLED generic actor name template."""

    role: str
    inter: int
    name: str                       # template with {country}
    nouns: tuple[str, ...]          # may stand alone
    cued_nouns: tuple[str, ...]     # need a nationality / context cue before them
    inter_generic: int | None = None     # inter code when no named group takes the mention
    link_to_inter: tuple[int, ...] = ()  # named groups with these codes take a generic mention (coref)


@dataclass(frozen=True)
class AliasTarget:
    actor: str                      # normalized actor name
    only_in: str | None = None      # ISO2: alias counts only in this country context
    guarded: bool = False           # needs a following group noun ("IS fighters")


def alias_key(text: str) -> str:
    """Normalisation shared by the loader and the matcher: apostrophes, dashes and spaces unified."""
    text = text.translate(_APOSTROPHES)
    text = re.sub(r"\s*[-‐‑–—]\s*", "-", text)
    return re.sub(r"\s+", " ", text).strip()


def alias_variants(alias: str) -> set[str]:
    """Spelling variants a news text uses for the same alias: hyphen/space, curly/straight apostrophes."""
    base = alias_key(alias)
    out = {base, base.replace("'", "’")}
    if "-" in base:
        spaced = base.replace("-", " ")
        out |= {spaced, spaced.replace("'", "’")}
    return {v for v in out if v}


def is_acronym(alias: str) -> bool:
    """Acronyms (and short aliases) are matched case-sensitively; longer names case-insensitively."""
    letters = [c for c in alias if c.isalpha()]
    return len(letters) <= 4 or alias.upper() == alias


def _read_yaml(path: Path | Any) -> dict[str, Any]:
    with path.open("r", encoding="utf-8") as fh:
        data = load_yaml(fh) or {}
    if not isinstance(data, dict):
        raise ValueError(f"{path}: expected a mapping at top level")  # noqa: TRY004 - bad data, not type
    return data


def _as_list(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    return [str(v) for v in value]


class ActorLexicon:
    """Indexes of actors, countries, ethnic groups and role rules. Build with :meth:`load`."""

    def __init__(self) -> None:
        self.actors: dict[str, Actor] = {}
        self.aliases: dict[str, list[AliasTarget]] = {}   # alias_key(alias) -> targets
        self.countries: dict[str, Country] = {}
        self.country_cues: dict[str, str] = {}             # "Syrian" / "Syria" -> "SY"
        self.ethnic: dict[str, EthnicGroup] = {}            # surface form -> group
        self.ethnic_template = "{name} Ethnic Militia ({country})"
        self.ethnic_nouns: tuple[str, ...] = ()
        self.roles: dict[str, Role] = {}
        self.modifiers: frozenset[str] = frozenset()
        self.context_cues: tuple[str, ...] = ()
        self.source_nouns: tuple[str, ...] = ()
        self.role_verbs: dict[str, str] = {}                # verb lemma -> role
        self.role_nominals: dict[str, str] = {}             # "protest" in "stage a protest" -> role
        self.light_verbs: frozenset[str] = frozenset()
        self.convertible_roles: frozenset[str] = frozenset()
        self.people_nouns: frozenset[str] = frozenset()
        self._matchers: dict[int, Any] = {}                # per-vocab compiled matchers (see matcher.py)

    # ------------------------------------------------------------------ loading
    @classmethod
    def load(cls, extra: Iterable[str | Path] = (), *, builtin: bool = True) -> ActorLexicon:
        """Load the shipped lexicon, then the user's YAML files (`extra`); user entries take priority."""
        lex = cls()
        root = resources.files(DATA_PACKAGE) / DATA_DIR
        lex._load_nationalities(_read_yaml(root / "nationalities.yaml"))
        lex._load_rules(_read_yaml(root / "rules.yaml"))
        lex._load_ethnic(_read_yaml(root / "ethnic.yaml"))
        if builtin:
            for entry in sorted(root.iterdir(), key=lambda p: p.name):
                if entry.name.endswith((".yaml", ".yml")) and entry.name not in SPECIAL_FILES:
                    lex._load_actor_file(_read_yaml(entry), origin="lexicon", where=entry.name)
        for path in extra:
            path = Path(path)
            data = _read_yaml(path)
            if "countries" in data:
                lex._load_nationalities(data)
            if "groups" in data:
                lex._load_ethnic(data)
            lex._load_actor_file(data, origin="user", where=str(path))
        return lex

    def _load_nationalities(self, data: dict[str, Any]) -> None:
        for row in data.get("countries", []):
            country = Country(
                iso2=str(row["iso2"]).upper(), name=str(row["name"]),
                demonyms=tuple(_as_list(row.get("demonyms"))), aliases=tuple(_as_list(row.get("aliases"))),
                the=bool(row.get("the", False)),
            )
            self.countries[country.iso2] = country
            for form in (country.name, *country.demonyms, *country.aliases):
                for variant in alias_variants(form):
                    self.country_cues[variant] = country.iso2

    def _load_rules(self, data: dict[str, Any]) -> None:
        for role, spec in (data.get("roles") or {}).items():
            self.roles[role] = Role(
                role=role, inter=int(spec["inter"]), name=str(spec["name"]),
                nouns=tuple(_as_list(spec.get("nouns"))), cued_nouns=tuple(_as_list(spec.get("cued_nouns"))),
                inter_generic=spec.get("inter_generic"),
                link_to_inter=tuple(int(i) for i in spec.get("link_to_inter") or ()),
            )
        self.modifiers = frozenset(alias_key(m).lower() for m in _as_list(data.get("modifiers")))
        self.context_cues = tuple(_as_list(data.get("context_cues")))
        self.source_nouns = tuple(_as_list(data.get("source_nouns")))
        for role, spec in (data.get("role_verbs") or {}).items():
            for verb in _as_list(spec.get("verbs")):
                self.role_verbs.setdefault(verb.lower(), role)
            for noun in _as_list(spec.get("nominal")):
                self.role_nominals.setdefault(noun.lower(), role)
        self.light_verbs = frozenset(v.lower() for v in _as_list(data.get("light_verbs")))
        self.convertible_roles = frozenset(_as_list(data.get("convertible_roles")))
        self.people_nouns = self.people_nouns | frozenset(n.lower() for n in _as_list(data.get("people_nouns")))

    def _load_ethnic(self, data: dict[str, Any]) -> None:
        self.ethnic_template = data.get("default_template", self.ethnic_template)
        if data.get("militia_nouns"):
            self.ethnic_nouns = tuple(_as_list(data["militia_nouns"]))
        for row in data.get("groups", []):
            group = EthnicGroup(
                name=str(row["name"]), countries=tuple(str(c).upper() for c in _as_list(row.get("countries"))),
                aliases=tuple(_as_list(row.get("aliases"))),
                template=str(row.get("template") or self.ethnic_template),
            )
            for form in (group.name, *group.aliases):
                self.ethnic[alias_key(form)] = group

    def _resolve_where(self, where: str) -> str | None:
        where = where.strip()
        if where.upper() in self.countries:
            return where.upper()
        return self.country_cues.get(alias_key(where))

    def _load_actor_file(self, data: dict[str, Any], *, origin: str, where: str) -> None:
        for i, row in enumerate(data.get("actors", []) or []):
            if "name" not in row or "inter" not in row:
                raise ValueError(f"{where}: actor #{i} needs 'name' and 'inter'")
            inter = int(row["inter"])
            if not 1 <= inter <= 8:
                raise ValueError(f"{where}: {row['name']!r} has inter {inter}, expected 1-8")
            name = str(row["name"])
            guarded = {alias_key(g) for g in _as_list(row.get("guarded"))}
            previous = self.actors.get(name)
            aliases = list(_as_list(row.get("aliases")))
            if previous is not None and origin == "lexicon":  # same actor in two files: merge aliases
                aliases = list(previous.aliases) + aliases
                guarded |= set(previous.guarded)
            actor = Actor(
                name=name, inter=inter,
                country=(str(row["country"]).upper() if row.get("country") else None),
                aliases=tuple(dict.fromkeys(aliases)), guarded=frozenset(guarded),
                by_country={str(k).upper(): str(v) for k, v in (row.get("by_country") or {}).items()},
                template=row.get("template"), origin=origin,
            )
            self.actors[name] = actor
            for alias in (name, *aliases):
                only_in = None
                m = _QUALIFIED.match(alias)
                if m:
                    only_in = self._resolve_where(m.group("where"))
                    if only_in is None and alias == name:
                        only_in = None  # "Islamic State (Syria)" as a name: the whole string is the alias
                    elif only_in is not None:
                        alias = m.group("alias")
                target = AliasTarget(actor=name, only_in=only_in, guarded=alias_key(alias) in guarded)
                for variant in alias_variants(alias):
                    targets = self.aliases.setdefault(variant, [])
                    targets[:] = [t for t in targets if not (t.actor == name and t.only_in == only_in)]
                    if origin == "user":  # user entries take priority over the shipped ones
                        targets[:] = [t for t in targets if self.actors.get(t.actor, actor).origin == "user"]
                        targets.insert(0, target)
                    else:
                        targets.append(target)
        self._matchers.clear()

    # ------------------------------------------------------------------ look-ups
    def get(self, name: str) -> Actor | None:
        """The actor with this normalized name (ACLED period suffixes such as "(2013-)" are ignored)."""
        if name in self.actors:
            return self.actors[name]
        return self.actors.get(strip_period(name))

    def country_of(self, text: str) -> str | None:
        """ISO2 for a country name or demonym ("Lebanese", "Lebanon", "DRC"); None when unknown."""
        key = alias_key(text)
        if key in self.country_cues:
            return self.country_cues[key]
        lowered = {k.lower(): v for k, v in self.country_cues.items() if not is_acronym(k)}
        return lowered.get(key.lower())

    def role_name(self, role: str, iso2: str | None) -> str:
        """Generic ACLED name for a role in a country ("Military Forces of Syria"); bare when unknown."""
        spec = self.roles[role]
        if iso2 and iso2 in self.countries:
            country = self.countries[iso2]
            value = country.forces_name if spec.name.startswith(("Military", "Police")) else country.name
            return spec.name.format(country=value)
        return re.sub(r"\s*(\(\{country\}\)|of \{country\})", "", spec.name).strip()

    def military_of(self, iso2: str | None) -> str:
        return self.role_name("military", iso2)

    def police_of(self, iso2: str | None) -> str:
        return self.role_name("police", iso2)

    def civilians_of(self, iso2: str | None) -> str:
        return self.role_name("civilians", iso2)

    def protesters_of(self, iso2: str | None) -> str:
        return self.role_name("protesters", iso2)

    def rioters_of(self, iso2: str | None) -> str:
        return self.role_name("rioters", iso2)

    def unidentified_of(self, iso2: str | None) -> str:
        return self.role_name("unidentified", iso2)

    def ethnic_militia(self, group: EthnicGroup, iso2: str | None) -> tuple[str, str]:
        """Name and country for a militia of `group`, preferring the context country when it is theirs."""
        country = iso2 if iso2 in group.countries else (group.countries[0] if group.countries else iso2)
        cname = self.countries[country].name if country in self.countries else None
        if cname is None:
            return f"{group.name} Ethnic Militia", country  # pragma: no cover - data without countries
        return group.template.format(name=group.name, country=cname), country


_PERIOD = re.compile(r"\s*\((?:\d{4})?-(?:\d{4})?\)")


def strip_period(name: str) -> str:
    """'Military Forces of Kenya (2013-) Kenya Police Reservists' -> 'Military Forces of Kenya Kenya ...'."""
    return re.sub(r"\s+", " ", _PERIOD.sub("", name)).strip()


@lru_cache(maxsize=1)
def default_lexicon() -> ActorLexicon:
    """The shipped lexicon, loaded once."""
    return ActorLexicon.load()

"""ACLED precedence and actor-type rules that decide between neighbouring sub-event types.

Pure functions: (proposed sub-event type, cues found in the text, inter codes) -> final type.
"""
from __future__ import annotations

from dataclasses import dataclass

from .lexicon import Match

EXPLOSIONS = ("Chemical weapon", "Air/drone strike", "Suicide bomb", "Shelling/artillery/missile attack",
              "Remote explosive/landmine/IED", "Grenade")
TERRITORY = ("Government regains territory", "Non-state actor overtakes territory")
PROTESTS = ("Peaceful protest", "Protest with intervention", "Excessive force against protesters")
RIOTS = ("Violent demonstration", "Mob violence")
ARMED = {1, 2, 3, 4, 8}


@dataclass(frozen=True)
class Cues:
    """Which cue lists fire in a text, with their matches (for positions)."""

    matches: tuple[Match, ...]

    def has(self, name: str) -> bool:
        return any(m.label == name for m in self.matches)

    def first(self, name: str, before: int | None = None) -> Match | None:
        for m in self.matches:
            if m.label == name and (before is None or m.end <= before):
                return m
        return None


def territory_side(cues: Cues, trigger_start: int | None, inter1: int | None) -> str | None:
    """'state' or 'non-state': who takes the place. inter1 decides when known; otherwise the first
    actor word before the trigger (the subject), or after 'by' in a passive."""
    if inter1 is not None and inter1 > 0:
        return "state" if inter1 == 1 else "non-state"
    pos = trigger_start if trigger_start is not None else 10**9
    before = [m for m in cues.matches if m.label in ("state_actor", "nonstate_actor") and m.end <= pos]
    if before:
        return "state" if before[0].label == "state_actor" else "non-state"
    if cues.has("territory_state_verbs"):
        return "state"
    if cues.has("territory_nonstate_verbs"):
        return "non-state"
    after = [m for m in cues.matches if m.label in ("state_actor", "nonstate_actor") and m.start >= pos]
    if after:
        return "state" if after[0].label == "state_actor" else "non-state"
    return None


NONVIOLENT = ("Looting/property destruction", "Other", "Arrests", "Change to group/activity",
              "Non-violent transfer of territory", "Headquarters or base established")
VIOLENT = ("Armed clash", "Attack", "Government regains territory", "Non-state actor overtakes territory",
           "Abduction/forced disappearance", "Sexual violence", "Mob violence", "Violent demonstration") + EXPLOSIONS


def apply_precedence(label: str, cues: Cues, inter1: int | None = None, inter2: int | None = None,
                     trigger_start: int | None = None,
                     scores: dict[str, float] | None = None) -> tuple[str, str | None]:
    """Return (final sub-event type, name of the rule that changed it or None).

    `scores` (sub-event type -> combined score) lets a rule fall back to the next-best type of a family."""
    changed = _precedence(label, cues, inter1, inter2, trigger_start, scores or {})
    if changed[0] != label:
        again = _precedence(changed[0], cues, inter1, inter2, trigger_start, scores or {})
        if again[0] != changed[0]:
            return again[0], f"{changed[1]}; {again[1]}"
    return changed


def _best_of(scores: dict[str, float], family: tuple[str, ...], default: str) -> str:
    cands = [(scores.get(k, 0.0), k) for k in family]
    best = max(cands)
    return best[1] if best[0] > 0 else default


def _precedence(label: str, cues: Cues, inter1: int | None, inter2: int | None,
                trigger_start: int | None, scores: dict[str, float]) -> tuple[str, str | None]:
    i1 = inter1 if inter1 else None
    i2 = inter2 if inter2 is not None else None

    # Actor types that settle the event family (ACLED: protesters/rioters are their own families).
    if i1 == 6 and label not in PROTESTS:
        return ("Protest with intervention" if i2 == 1 else "Peaceful protest"), "inter1=protesters"
    if i1 == 1 and i2 == 6:
        return "Excessive force against protesters", "state vs protesters"
    if i1 == 5 and label not in RIOTS:
        return ("Violent demonstration" if cues.has("protest") else "Mob violence"), "inter1=rioters"

    # Explosions: chemical, then suicide bomb, outrank other remote violence.
    if label in EXPLOSIONS or label in ("Armed clash", "Attack"):
        if cues.has("chemical") and label in EXPLOSIONS:
            return "Chemical weapon", "chemical agent"
        if cues.has("suicide"):
            return "Suicide bomb", "suicide bomb precedence"
    if label == "Shelling/artillery/missile attack" and cues.has("air"):
        return "Air/drone strike", "shelling with air strikes"
    if label == "Air/drone strike" and cues.has("armed_opponent") and cues.has("ground_battle"):
        return "Armed clash", "air strike inside a ground battle"

    # A battle in which a place is taken is coded as a territory change.
    if label == "Armed clash" and cues.has("territory_taken"):
        side = territory_side(cues, trigger_start, i1)
        if side is not None:
            return (TERRITORY[0] if side == "state" else TERRITORY[1]), "territory taken in battle"

    # Territory changes hands: who took it decides.
    if label in TERRITORY:
        side = territory_side(cues, trigger_start, i1)
        if side == "state" and label != TERRITORY[0]:
            return TERRITORY[0], "state actor takes territory"
        if side == "non-state" and label != TERRITORY[1]:
            return TERRITORY[1], "non-state actor takes territory"

    # Non-violent developments that hurt people are violent events (ACLED: looting with killings
    # is an attack).
    if label in NONVIOLENT and cues.has("harm") and not cues.has("no_harm"):
        return _best_of(scores, VIOLENT, "Attack"), "people harmed"

    # Demonstrators who turn violent (stones, fires, barricades) are rioters.
    if label in PROTESTS and cues.has("riot_violence") and (i1 is None or i1 == 5):
        return "Violent demonstration", "violent demonstrators"

    # Violence against civilians only with unarmed victims and no armed opponent.
    if label == "Attack" and i2 is None and cues.has("armed_victim") and not cues.has("strong_civilian"):
        return "Armed clash", "armed victims"
    if label == "Attack":
        if i2 is not None and i2 in ARMED and (i1 is None or i1 in ARMED):
            return "Armed clash", "armed opponent (inter2)"
        if i2 is None and cues.has("armed_opponent") and not cues.has("mob"):
            return "Armed clash", "armed opponent (text)"
    if label == "Armed clash" and i2 == 7:
        return "Attack", "civilian victims (inter2)"

    # Protests: intervention and lethal force decide the sub-type.
    if label == "Peaceful protest":
        if i2 is None or i2 == 1:
            if cues.has("intervention"):
                return "Protest with intervention", "intervention words"
    if label == "Peaceful protest" and i1 == 6 and i2 == 1:
        return "Protest with intervention", "police as second actor"
    if label in PROTESTS and i1 == 6 and i2 in (0, None) and not cues.has("intervention"):
        return "Peaceful protest", "no intervening actor"
    return label, None

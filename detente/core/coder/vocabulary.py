"""The words the parse-based coder reads as signals (pure data): modality, reporting, titles, event nouns, victims."""

from __future__ import annotations

from detente.core.coder.dates import MONTHS, WEEKDAYS

THREATEN = frozenset({"threaten", "warn"})
REFUSE = frozenset({"refuse", "decline", "reject"})  # "failed to" is a negation, not a refusal
INTEND = frozenset(
    {
        "plan",
        "intend",
        "pledge",
        "promise",
        "vow",
        "agree",
        "decide",
        "offer",
        "prepare",
        "aim",
        "seek",
        "want",
        "hope",
        "expect",
        "propose",
        "schedule",
        "set",
        "vote",
        "move",
        "commit",
        "resolve",
        "announce",
    }
)
APPEAL = frozenset({"urge", "ask", "call", "appeal", "press", "request", "encourage", "demand", "implore", "invite"})
NOT_ASSERTED = frozenset(
    {
        "accuse",
        "deny",
        "allege",
        "blame",
        "charge",
        "suspect",
        "dismiss",
        "reject",
        "condemn",
        "denounce",
        "criticise",
        "criticize",
        "fear",
        "warn",
        "claim",
    }
)
SAY = frozenset(
    {
        "say",
        "tell",
        "state",
        "add",
        "report",
        "announce",
        "declare",
        "note",
        "insist",
        "confirm",
        "write",
        "quote",
        "explain",
        "stress",
        "argue",
        "told",
    }
)
ORDER = frozenset(
    {
        "order",
        "direct",
        "instruct",
        "command",
        "authorize",
        "authorise",
        "begin",
        "start",
        "continue",
        "try",
        "attempt",
        "keep",
        "resume",
        "help",
        "manage",
    }
)
# adjectives that make the governed act an intention ("ready to help", "committed to cooperating")
INTEND_ADJ = frozenset({"willing", "ready", "prepared", "committed", "determined", "eager", "keen"})
CONDITION = frozenset({"if", "unless", "lest"})  # the mark of a clause that states a condition
HYPOTHETICAL = frozenset({"may", "might", "could", "can", "should", "must"})
FUTURE = frozenset({"will", "shall", "'ll", "would"})
SUBJ = frozenset({"nsubj", "csubj"})
OBJ_PREPS = ("against", "with", "to", "on", "at", "toward", "towards", "into", "over", "for", "upon", "of")
PRON_PERSON = frozenset({"he", "she", "him", "her", "his"})
PRON_GROUP = frozenset({"they", "them", "their"})
PRON_THING = frozenset({"it", "its"})
SYMMETRIC = ("040", "043", "044", "046", "057", "062", "064", "0311", "0312", "036", "190", "193")
PLACE_IS_TARGET = ("07", "18", "19", "20", "042", "062")
CALENDAR = frozenset(MONTHS) | frozenset(WEEKDAYS)  # "on Saturday", "in March": a date, not an actor
# an intention to act, by the act's root (CAMEO 03x): meet 036, cooperate 032/031, aid 033, yield 035
INTENT_ROOT = {"04": "036", "05": "032", "06": "031", "07": "033", "08": "035", "084": "0353", "087": "0356",
                "09": "030"}  # fmt: skip
NEGATIVE = frozenset(
    [
        "unlawful",
        "illegal",
        "lie",
        "lies",
        "absurd",
        "obscenity",
        "disgrace",
        "disgraceful",
        "appalling",
        "abhorrent",
        "heinous",
        "despicable",
        "unjustified",
        "unprovoked",
        "provocation",
        "terrorism",
        "terrorist",
        "genocide",
        "aggression",
        "crime",
        "criminal",
        "shameful",
        "shocking",
        "outrageous",
        "unacceptable",
        "violation",
        "breach",
        "libel",
        "propaganda",
        "baseless",
        "false",
        "fabricate",
        "fabricated",
        "staged",
        "hypocritical",
        "irresponsible",
        "reckless",
        "barbaric",
        "atrocity",
        "massacre",
        "invasion",
        "occupation",
        "wrong",
        "dangerous",
        "shame",
        "ruin",
        "void",
        "cowardly",
        "preposterous",
        "fake",
        "illegitimate",
        "provocative",
        "blackmail",
        "fail",
        "undermine",
        "violate",
        "cleansing",
    ]
)
# words of a reported clause that make it an optimistic comment (CAMEO 013)
POSITIVE = frozenset(
    {
        "progress",
        "step",
        "breakthrough",
        "historic",
        "constructive",
        "positive",
        "productive",
        "chapter",
        "beginning",
        "hopeful",
        "optimistic",
        "encouraging",
        "milestone",
        "permanent",
        "meaningful",
        "successful",
        "fruitful",
    }
)
# words that make a characterisation praise ("called the decision historic"): CAMEO 051
PRAISE = frozenset(
    {"historic", "important", "great", "good", "excellent", "positive", "courageous", "brave", "wise", "success",
     "successful", "milestone", "victory", "landmark", "welcome", "vital", "significant", "constructive"}
)  # fmt: skip
# words of praise in a quoted remark ('"our friendship has never been stronger," the president said': 051)
QUOTED_PRAISE = PRAISE | frozenset(
    {"courage", "friendship", "grateful", "gratitude", "thank", "admire", "proud", "stronger", "strongest",
     "consequential", "heroic", "hero", "heroes", "solidarity", "partnership", "remarkable", "extraordinary"}
)  # fmt: skip
# titles before a person's name: "President Gustavo Petro" is that state's government (the last state named)
TITLES = frozenset(
    {
        "president",
        "minister",
        "prime",
        "premier",
        "chancellor",
        "king",
        "general",
        "gen",
        "secretary",
        "spokesman",
        "spokeswoman",
        "ambassador",
        "commander",
        "envoy",
        "governor",
        "senator",
    }
)
# nouns that stand for an organisation or armed group named before ("the agency said")
ORG_NOUNS = frozenset(
    {"agency", "group", "court", "organisation", "organization", "bloc", "alliance", "movement", "tribunal",
     "body", "militia", "union", "federation", "commission", "fund", "bank", "council", "mission", "programme",
     "program", "committee", "charity", "watchdog", "coalition"}
)  # fmt: skip
ARMED_NOUNS = frozenset({"group", "militia", "movement", "faction"})
GROUPS = frozenset({"REB", "UAF", "INS", "OPP", "PTY", "RAD", "NGO", "LAB"})
# nouns that name an event (CAMEO) and verbs that say it happened ("shelling continued", "protests spread")
NOMINAL = {
    "protest": "141", "demonstration": "141", "rally": "141", "strike": "195", "airstrike": "195",
    "shelling": "194", "bombardment": "195", "fighting": "190", "clash": "190", "crackdown": "175",
    "bombing": "183", "attack": "190", "raid": "190", "offensive": "190", "massacre": "202", "siege": "191",
    "blockade": "191", "riot": "145", "unrest": "145", "talks": "040", "negotiations": "040",
    "bomb": "183", "blast": "183", "explosion": "183",
}  # fmt: skip
# a blast nobody is named for: the bomber is unknown, the place's state is the target ("a car bomb exploded")
BLASTS = frozenset({"bomb", "blast", "explosion", "bombing"})
HAPPEN = frozenset(
    {"continue", "spread", "erupt", "resume", "intensify", "escalate", "rage", "hit", "kill", "break", "begin",
     "start", "take", "wound", "destroy", "damage", "target", "spark", "grow", "swell", "enter", "hold",
     "explode", "detonate", "rip", "tear", "go", "strike"}
)  # fmt: skip
STATE_BODIES = frozenset({"GOV", "JUD", "COP", "MIL", "LEG", "SPY"})
IRREGULAR = frozenset({"UAF", "CRM", "RAD"})  # armed groups without a state's uniform: force by them is CAMEO 18
CIVIL = frozenset({"CVL", "OPP", "EDU", "LAB", "REF", "HRI", "MED"})
QUANTITY = frozenset(
    {
        "thousand",
        "thousands",
        "hundred",
        "hundreds",
        "dozen",
        "dozens",
        "group",
        "number",
        "crowd",
        "crowds",
        "scores",
        "score",
        "million",
        "millions",
        "tens",
        "band",
        "unit",
        "some",
        "many",
    }
)
GROUP_NOUNS = frozenset(
    {
        "force",
        "fighter",
        "soldier",
        "people",
        "official",
        "side",
        "delegation",
        "leader",
        "unit",
        "negotiator",
        "government",
        "authority",
        "warplane",
        "jet",
        "ship",
        "navy",
        "diplomat",
    }
)
KILL = frozenset({"kill", "massacre", "slaughter", "murder", "execute", "shoot", "slay"})
PROTESTERS = frozenset({"protester", "protestor", "demonstrator", "crowd", "marcher", "rioter", "mourner"})
VICTIMS = frozenset(
    {
        "people",
        "civilian",
        "villager",
        "resident",
        "protester",
        "demonstrator",
        "worker",
        "child",
        "student",
        "family",
        "man",
        "woman",
        "person",
        "worshipper",
        "refugee",
        "farmer",
        "passenger",
        "men",
        "boy",
        "girl",
        "inhabitant",
        "pilgrim",
        "shopper",
        "patient",
        "infant",
    }
)
PLACE_PREPS = frozenset({"in", "at", "near", "from", "into", "across", "outside", "inside", "around", "through"})
THREAT_VERBS = frozenset(
    {
        "respond",
        "retaliate",
        "pay",
        "exact",
        "punish",
        "chase",
        "hunt",
        "crush",
        "destroy",
        "avenge",
        "annihilate",
        "eliminate",
        "wipe",
        "reply",
        "separate",
        "file",
        "face",
    }
)
FORCE_VERBS = frozenset({"retaliate", "crush", "destroy", "annihilate", "eliminate", "wipe", "chase", "hunt"})
STOP = frozenset(
    {
        "stop",
        "halt",
        "cease",
        "end",
        "avoid",
        "prevent",
        "refrain",
        "deny",
        "accuse",
        "allege",
        "blame",
        "urge",
        "ask",
        "call",
        "appeal",
        "demand",
        "press",
        "fear",
        "suspect",
        "charge",
        "investigate",
    }
)
# prepositions that put an event noun in the background ("a response to an attack", "after the clashes")
BACKGROUND = frozenset({"to", "after", "since", "before", "for", "following", "amid", "despite", "of", "over", "about"})
# nouns naming an activity, which a sector word before them does not make an actor ("military exercises")
ACTIVITY_NOUNS = frozenset(NOMINAL) | {
    "exercise", "drill", "manoeuvre", "maneuver", "activity", "cooperation", "assistance", "aid", "support",
    "agreement", "deal", "pact", "treaty", "plan", "operation", "spending", "budget", "presence", "exchange",
    "training", "patrol", "buildup", "build-up", "deployment", "reform", "programme", "program", "funding",
}  # fmt: skip
# verbs that carry on or begin an activity named by their object ("resumed exercises", "began talks")
ASPECT = frozenset(
    {"resume", "continue", "begin", "start", "launch", "conduct", "stage", "hold", "carry", "step", "intensify",
     "expand", "restart", "undertake", "mount", "open"}
)  # fmt: skip
# the code of such an activity: the event nouns, military exercises (062), investigations (090)
ACTIVITY_CODES = {
    **NOMINAL, "exercise": "062", "drill": "062", "manoeuvre": "062", "maneuver": "062", "wargame": "062",
    "investigation": "090", "probe": "090", "inquiry": "090", "airlift": "073", "evacuation": "073",
}  # fmt: skip
# agents that belong to a state, never to an organisation named near them (investigators, staff may be the UN's)
STATE_OWNED = frozenset({"GOV", "MIL", "COP", "LEG", "SPY", "CVL", "REB", "OPP", "REF"})
# envoys whose being told to leave is an expulsion (CAMEO 174)
ENVOYS = frozenset({"ambassador", "diplomat", "envoy", "attache", "attaché", "consul", "chargé", "charge"})
# acts an authority does and reports itself ("the bureau said Khan had been arrested", "Biden said weapons would be
# sent to Ukraine")
AUTHORITY_ACTS = frozenset(
    {"arrest", "detain", "charge", "question", "summon", "sentence", "deport", "expel", "release", "free", "seize",
     "confiscate", "ban", "fine", "indict", "extradite", "investigate", "raid", "search", "convict", "jail",
     "send", "deliver", "provide", "supply", "ship", "grant", "transfer"}
)  # fmt: skip
# verbs of using a weapon: their agentless passive is coded with no source ("rockets were fired at Israeli cities")
WEAPON_VERBS = frozenset({"fire", "launch", "shell", "bomb", "strike", "drop", "shoot", "detonate", "explode"})
# chemical weapons (CAMEO 2041): agents by name, and two-word names ("mustard gas", not "tear gas")
CHEMICAL = frozenset({"chlorine", "sarin", "novichok", "vx", "tabun", "ricin"})
CHEMICAL_PAIRS = frozenset(
    {"mustard gas", "nerve agent", "poison gas", "toxic gas", "chemical weapon", "chemical agent", "chemical munition",
     "chemical attack", "chemical bomb", "chemical shell", "nerve gas"}
)  # fmt: skip
WEAPON_USE = frozenset({"use", "deploy", "employ", "drop", "fire", "launch", "unleash"})
# roots whose acts a state often does to itself or its own people (a state of emergency, arrests, protests, force)
SELF_ROOTS = frozenset({"14", "17", "18", "19", "20"})
# military exercises: joint ones are cooperation (062), a state's own a show of force (150)
DRILLS = frozenset({"drill", "drills", "exercise", "exercises", "manoeuvre", "manoeuvres", "maneuver", "maneuvers",
                    "wargame", "wargames"})  # fmt: skip
# verbs that take their act from their object ("carried out raids", "committed genocide", "staged a sit-in")
LIGHT_VERBS = frozenset(
    {"carry out", "carry", "commit", "conduct", "perpetrate", "launch", "mount", "stage", "unleash"}
)
# acts named by a noun (the object of a light verb): CAMEO code
ACTS_NAMED = {
    "execution": "1823", "torture": "1822", "rape": "1821", "massacre": "202", "genocide": "202",
    "killing": "180", "kidnapping": "181", "abduction": "181", "assassination": "186", "bombing": "183",
    "airstrike": "195", "strike": "195", "raid": "190", "attack": "190", "offensive": "190", "assault": "190",
    "ambush": "190", "incursion": "190", "invasion": "192", "shelling": "194", "bombardment": "195",
    "crackdown": "175", "arrest": "173", "protest": "141", "demonstration": "141", "rally": "141",
    "march": "141", "sit-in": "141", "walkout": "143", "boycott": "143",
}  # fmt: skip
# nouns whose "that" clause is a claim, not an assertion ("accusations that the army had committed genocide")
CLAIM_NOUNS = frozenset(
    {"accusation", "allegation", "claim", "charge", "suggestion", "rumour", "rumor", "speculation", "fear",
     "suspicion", "assertion", "insinuation"}
)  # fmt: skip
# "in retaliation for", "in response to": what follows is the cause, not the act
RETALIATION = frozenset({"retaliation", "response", "revenge", "reprisal", "reply"})
# verbs of mediating: "a truce brokered by Qatar" names the mediators (045) even as a participle
BROKER = frozenset({"broker", "mediate", "facilitate", "sponsor", "host"})
# plural nouns that refer back to several actors named together ("the allies", "the two countries")
GROUP_NOUNS = frozenset({"ally", "country", "government", "nation", "state", "power", "partner", "leader", "side"})
# verbs that drive a population out (CAMEO 201, mass expulsion) when their object is many people
EXPEL = frozenset({"force", "drive", "push", "expel", "deport", "uproot", "displace", "evict"})
# verbs that say an event went on: its sides are those of the story's last fight ("shelling continued")
ONGOING = frozenset({"continue", "resume", "rage", "intensify", "escalate", "spread", "persist", "go"})
# verbs of moving forces: to another state's side cooperation (062), at home or to one's own border a build-up (154)
DEPLOY = frozenset({"send", "deploy", "dispatch", "move", "station", "redeploy", "rush"})
# a state's own armed groups and forces: their assaults with no victim named are on that state's people
DOMESTIC_FORCES = frozenset({"REB", "UAF", "INS", "CRM", "RAD", "COP", "MIL", "GOV", "SPY"})
# verbs (rule prefixes) of agreeing together: several subjects agree with each other
AGREEING = ("agree", "sign", "reach", "conclude", "accept", "approve")
# reactions to an act named by a definite object ("condemned the attack"): appeals, statements, disapproval,
# rejection, threats, demands; and the acts they refer to (True: an act of force, whose doer is the last attacker)
REACTIONS = frozenset({"01", "02", "10", "11", "12", "13"})
REFERRED = {
    "attack": True, "strike": True, "airstrike": True, "killing": True, "bombing": True, "massacre": True,
    "invasion": True, "launch": True, "test": True, "raid": True, "shelling": True, "coup": True, "incursion": True,
    "decision": False, "move": False, "report": False, "finding": False, "sanction": False, "statement": False,
    "remark": False, "resolution": False, "vote": False, "visit": False, "accusation": False, "claim": False,
    "ban": False, "law": False, "announcement": False, "demand": False, "ultimatum": False, "proposal": False,
    "plan": False, "deployment": False, "arrest": False, "verdict": False, "ruling": False, "request": False,
    "offer": False, "measure": False, "allegation": False, "charge": False,
}  # fmt: skip
# the acts (CAMEO roots) a referred-back noun names, latest first wins: "rejected the demand" answers the last demand
# (10) coded in the story, "welcomed the ruling" the last court act, "rejected the findings" the last investigation
REFERRED_ROOTS = {
    "finding": ("09", "11", "01"), "report": ("09", "11", "01"), "demand": ("10",), "ultimatum": ("10", "13"),
    "request": ("02", "10"), "offer": ("03", "05"), "proposal": ("03", "05", "02"), "plan": ("03",),
    "sanction": ("16", "17"), "ban": ("16", "17"), "measure": ("16", "17"), "launch": ("15", "13", "19", "20"),
    "test": ("15", "13"), "arrest": ("17",), "deployment": ("15", "06", "07"), "visit": ("04",),
    "accusation": ("11",), "allegation": ("11",), "claim": ("11", "01"), "charge": ("11",),
    "resolution": ("16", "10", "11", "05"), "vote": ("16", "10", "11", "05"), "ruling": ("17", "11", "10"),
    "verdict": ("17", "11"),
}  # fmt: skip

# who speaks for a body: "a spokesman for the Nigerian army" is the army, not the media (Phoenix: MED)
SPEAKERS = frozenset({"spokesman", "spokeswoman", "spokesperson", "spokesmen", "spokeswomen", "representative"})

# the sector a title gives a person the dictionaries lack ("General Musa Dankwa": the army of the story's state)
TITLE_AGENTS = {
    **dict.fromkeys(("general", "gen", "colonel", "col", "brigadier", "admiral", "commander", "lieutenant"), "MIL"),
    **dict.fromkeys(("president", "minister", "premier", "chancellor", "ambassador", "envoy", "governor"), "GOV"),
    **dict.fromkeys(("senator", "lawmaker", "legislator", "speaker"), "LEG"),
    **dict.fromkeys(("judge", "prosecutor"), "JUD"),
}

"""The parser-based coder on sentences written for these tests: roles, passive, negation, modality,
compound actors, reported speech, in-document references, dated roles, unresolved names, user dictionaries."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

pytest.importorskip("spacy")

from detente.coder import make_coder
from detente.coder.nlp import NlpCoder, available, dictionary, load_pipeline
from detente.errors import InputError

if not available():  # pragma: no cover
    pytest.skip("the [nlp] extra is not installed", allow_module_level=True)

DAY = dt.date(2021, 6, 1)


@pytest.fixture(scope="module")
def coder() -> NlpCoder:
    return NlpCoder(dictionary(), load_pipeline())  # the pipeline and dictionary load once per process


def triples(coder: NlpCoder, text: str, day: dt.date = DAY) -> set[tuple[str | None, str, str | None]]:
    return {(e.source, e.cameo[:2], e.target) for e in coder.code(text, day)}


def test_subject_object_and_passive(coder: NlpCoder) -> None:
    assert triples(coder, "Pakistan attacked India on Monday.") == {("PAK", "19", "IND")}
    assert triples(coder, "India was attacked by Pakistan on Monday.") == {("PAK", "19", "IND")}


def test_negation_is_no_event(coder: NlpCoder) -> None:
    assert triples(coder, "Pakistan did not attack India.") == set()
    assert triples(coder, "Pakistan never attacked India.") == set()


def test_modality(coder: NlpCoder) -> None:
    (threat,) = coder.code("Pakistan threatened to attack India.", DAY)
    assert (threat.cameo, threat.modality) == ("138", "threatened")
    (refusal,) = coder.code("Pakistan refused to meet India.", DAY)
    assert refusal.cameo.startswith("12") and refusal.modality == "negated"
    (intent,) = coder.code("Pakistan will meet India next week.", DAY)
    assert intent.cameo.startswith("03") and intent.modality == "intended"
    assert triples(coder, "Pakistan could attack India.") == set()


def test_compound_actors(coder: NlpCoder) -> None:
    assert triples(coder, "Israel and the Palestinians attacked Egypt.") == {("ISR", "19", "EGY"), ("PSE", "19", "EGY")}


def test_reported_speech_source_is_the_reported_actor(coder: NlpCoder) -> None:
    assert triples(coder, "Egypt said Israel attacked Syria.") == {("ISR", "19", "SYR")}


def test_references_resolve_to_the_last_matching_actor(coder: NlpCoder) -> None:
    evs = coder.code("Russia sent a delegation to Kenya. The ministry later accused Ukraine of lying.", DAY)
    accuse = [e for e in evs if e.cameo.startswith("11")]
    assert [(e.source, e.source_sector, e.target) for e in accuse] == [("RUS", "GOV", "UKR")]
    evs = coder.code("Vladimir Putin met Turkish officials in Sochi. He later criticised Ukraine.", DAY)
    assert ("RUS", "11", "UKR") in {(e.source, e.cameo[:2], e.target) for e in evs}


def test_a_possessor_says_whose_leader_speaks(coder: NlpCoder) -> None:
    # "the group's leader": the group named before; "the militants' commander": the militants' state
    doc = "Hamas fired rockets at Israel on Monday. The group's leader later threatened Egypt."
    assert ("PSE", "13", "EGY") in triples(coder, doc)
    doc = "Boko Haram attacked a village in Nigeria. The militants' commander accused the army of lying."
    assert ("NGA", "11", "NGA") in triples(coder, doc)


def test_several_events_in_one_sentence(coder: NlpCoder) -> None:
    got = triples(coder, "Pakistan attacked India on Monday, and Iran condemned the attack.")
    assert ("PAK", "19", "IND") in got and any(s == "IRN" and r == "11" for s, r, _ in got)


def test_people_resolve_by_date(coder: NlpCoder) -> None:
    text = "Vladimir Putin criticised Ukraine."
    (old,) = coder.code(text, dt.date(1995, 3, 1))
    (new,) = coder.code(text, dt.date(2005, 3, 1))
    assert (old.source, old.source_sector) == ("RUS", "ELI") and (new.source, new.source_sector) == ("RUS", "GOV")


def test_agents_give_sectors(coder: NlpCoder) -> None:
    (e,) = coder.code("Russian troops attacked Ukrainian police.", DAY)
    assert (e.source, e.source_sector, e.target, e.target_sector) == ("RUS", "MIL", "UKR", "COP")
    (e,) = coder.code("The TPLF attacked Ethiopian soldiers.", DAY)
    assert (e.source, e.source_sector) == ("ETH", "REB")


def test_unresolved_names_are_reported(coder: NlpCoder) -> None:
    res = coder.code_document("The Zorgonian Liberation Front attacked India.", DAY)
    assert res.events == [] and [(u.text, u.role) for u in res.unresolved] == [("Zorgonian Liberation Front", "source")]


def test_user_dictionary_adds_actors_and_verbs(tmp_path: Path) -> None:
    f = tmp_path / "mine.json"
    f.write_text(
        json.dumps(
            {
                "actors": [{"phrase": "Zorgonian Liberation Front", "code": "INDREB"}],
                "verbs": [{"verb": "zap", "code": "195"}],
            }
        ),
        encoding="utf-8",
    )
    c = make_coder(parser=True, dictionary=f)
    assert {
        (e.source, e.source_sector, e.cameo, e.target)
        for e in c.code("The Zorgonian Liberation Front zapped Pakistan.", DAY)
    } == {("IND", "REB", "195", "PAK")}
    assert dictionary().actor(("zorgonian", "liberation", "front"), DAY) is None  # the packaged one is untouched


def test_user_dictionary_grows_a_synonym_set(tmp_path: Path) -> None:
    text = "Pakistan mobilised its cavalry on Monday."
    assert {e.cameo for e in make_coder(parser=True).code(text, DAY)} == {"150"}
    f = tmp_path / "mine.json"
    f.write_text(json.dumps({"synsets": {"&military": ["cavalry"]}}), encoding="utf-8")
    assert {e.cameo for e in make_coder(parser=True, dictionary=f).code(text, DAY)} == {"154"}
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"synsets": {"military": "zorgs"}}), encoding="utf-8")
    with pytest.raises(InputError, match="synsets"):
        make_coder(parser=True, dictionary=bad)


def test_force_posture(coder: NlpCoder) -> None:
    for text, code in (
        ("Russia massed tanks and troops on the border with Ukraine.", "154"),
        ("Israel called up 300,000 reservists on Saturday.", "154"),
        ("Serbia bolstered its military presence along the boundary with Kosovo.", "154"),
        ("Turkish troops were placed on maximum alert on Monday.", "152"),
    ):
        assert {e.cameo for e in coder.code(text, DAY)} == {code}, text
    (alert,) = coder.code("Turkish troops were placed on maximum alert on Monday.", DAY)
    assert (alert.source, alert.target) == ("TUR", None)  # a passive posture is the subject's own


def test_markup_dateline_and_odd_text(coder: NlpCoder) -> None:
    text = "KABUL, May 3 — <b>Pakistan</b> attacked India.\n\n\x0b  " + "x" * 300
    assert ("PAK", "19", "IND") in triples(coder, text)
    for odd in ("", "   ", "?", "....", "🙂" * 50, "a" * 5000):
        assert coder.code(odd, DAY) == []


def test_batched_coding_matches_one_by_one(coder: NlpCoder) -> None:
    docs = ["Pakistan attacked India.", "Egypt hosted talks with Israel.", "Nothing happened."]
    one = [[(e.source, e.cameo, e.target) for e in coder.code(d, DAY)] for d in docs]
    many = [[(e.source, e.cameo, e.target) for e in r.events] for r in coder.code_many((d, DAY) for d in docs)]
    assert one == many


def test_dateline_state_owns_agents_without_a_country(coder: NlpCoder) -> None:
    text = "KADUNA, Nigeria, March 8 — Gunmen on motorcycles abducted dozens of pupils from a school."
    assert {(e.source, e.source_sector, e.cameo[:2]) for e in coder.code(text, DAY)} == {("NGA", "UAF", "18")}
    assert coder.code("Gunmen on motorcycles abducted dozens of pupils from a school.", DAY) == []


def test_bare_surname_is_the_person_named_before(coder: NlpCoder) -> None:
    text = "Zorgonian Prime Minister Ivo Kastrenko met Pakistan's president. Kastrenko attacked India."
    res = coder.code_document(text, DAY)
    assert not [u for u in res.unresolved if u.text == "Kastrenko"]
    assert any(e.cameo[:2] == "19" and e.target == "IND" for e in res.events)


def test_statement_content_and_characterisation(coder: NlpCoder) -> None:
    assert triples(coder, "Egypt said the talks had made historic progress.") == {("EGY", "01", None)}
    assert {e.cameo for e in coder.code("Egypt called the decision historic.", DAY)} == {"051"}
    assert {e.cameo for e in coder.code("Egypt called the decision a grave violation.", DAY)} == {"111"}


def test_willing_to_is_an_intention(coder: NlpCoder) -> None:
    events = coder.code("Egypt said it was ready to meet Israel.", DAY)
    assert [(e.source, e.cameo[:2], e.modality) for e in events] == [("EGY", "03", "intended")]


def test_nominal_event_when_no_verb_codes_one(coder: NlpCoder) -> None:
    assert [e.cameo for e in coder.code("Protests spread across Pakistan on Monday.", DAY)] == ["141"]
    assert coder.code("Protests did not spread across Pakistan.", DAY) == []


def test_killings_are_coded_by_their_victims(coder: NlpCoder) -> None:
    assert triples(coder, "Kenyan police killed three protesters in Nairobi on Tuesday.") == {("KEN", "17", "KEN")}
    (mass,) = coder.code("Ethiopian soldiers killed 150 civilians in the village.", DAY)
    assert mass.cameo == "202"
    (assassination,) = coder.code("Israel killed Hamas leader Ismail Haniyeh.", DAY)
    assert (assassination.source, assassination.cameo, assassination.target) == ("ISR", "186", "PSE")


def test_a_hostile_acts_target_belongs_to_the_place_not_the_attacker(coder: NlpCoder) -> None:
    (ev,) = coder.code("Hezbollah fired rockets at military bases in northern Israel.", DAY)
    assert (ev.source, ev.target, ev.target_sector) == ("LBN", "ISR", "MIL")
    (arrest,) = coder.code("In Nairobi, police arrested dozens of students.", DAY)
    assert (arrest.source, arrest.source_sector, arrest.cameo[:2]) == ("KEN", "COP", "17")


def test_agentless_passive(coder: NlpCoder) -> None:
    # the doer through an event noun, else force coded with no source; a plain toll is no event
    assert triples(coder, "Three Indian soldiers were killed in a clash with Chinese troops.") == {("CHN", "19", "IND")}
    assert triples(coder, "Rockets were fired at Israeli cities on Saturday.") == {(None, "19", "ISR")}
    assert triples(coder, "At least 56 civilians had been killed, the union said.") == set()


def test_event_nouns_with_a_named_doer(coder: NlpCoder) -> None:
    assert triples(coder, "There were clashes between Armenian and Azerbaijani troops on Monday.") == {
        ("ARM", "19", "AZE"),
        ("AZE", "19", "ARM"),
    }
    assert triples(coder, "Russia's attack on Ukraine drew wide condemnation.") == {("RUS", "19", "UKR")}
    assert triples(coder, "The strike was a response to an Israeli attack on the consulate.") == set()


def test_a_passives_subject_is_the_verbs_object(coder: NlpCoder) -> None:
    # "the agreement was signed by X and Y" reads as "X and Y signed the agreement"; through an apposition too
    assert triples(coder, "The agreement was signed by Iran and Saudi Arabia.") == {
        ("IRN", "05", "SAU"),
        ("SAU", "05", "IRN"),
    }
    both = "The agreement was signed by Iran's top security official, Ali Shamkhani, and Saudi adviser Musaed al-Aiban."
    assert {(s, t) for s, _, t in triples(coder, both)} == {("IRN", "SAU"), ("SAU", "IRN")}
    (ev,) = coder.code("The United States sanctioned seven companies based in the United Arab Emirates.", DAY)
    assert (ev.source, ev.target) == ("USA", "ARE")


def test_verb_phrases_with_a_preposition_or_object_and_purposes(coder: NlpCoder) -> None:
    (fire,) = coder.code("Kenyan police opened fire on protesters in Nairobi.", DAY)
    assert (fire.cameo, fire.rule.split(" (")[0]) == ("175", "open fire")
    assert {c for _, c, _ in triples(coder, "Indian Prime Minister Narendra Modi met with Joe Biden.")} == {"04"}
    # an infinitive of purpose is not an act of its own
    assert triples(coder, "Sri Lanka ran out of foreign currency to pay for fuel.") == set()


def test_plural_demonyms_name_their_state(coder: NlpCoder) -> None:
    assert triples(coder, "Afghans protested against the Taliban in Kabul.") == {("AFG", "14", "AFG")}
    assert {s for s, _, _ in triples(coder, "Iranians protested in Tehran on Friday.")} == {"IRN"}
    # a demonym of several words, and the plural names civilians: storming a building is a violent protest
    (storm,) = coder.code("Thousands of Sri Lankans stormed the presidential palace in Colombo.", DAY)
    assert (storm.source, storm.source_sector, storm.cameo) == ("LKA", "CVL", "145")
    assert {s for s, _, _ in triples(coder, "Hundreds of North Koreans protested in Seoul.")} == {"PRK"}


def test_an_agent_word_belongs_to_the_state_its_phrase_names(coder: NlpCoder) -> None:
    text = "UN investigators said government forces in Myanmar had bombed a camp, killing 29 civilians."
    assert {(s, t) for s, _, t in triples(coder, text)} == {("MMR", "MMR")}
    # an army belongs to a state, not to the organisation named before it: with no state named, no event
    doc = "UN investigators visited the province on Monday. The military later burned several villages."
    assert all(c != "17" for _, c, _ in triples(coder, doc))


def test_added_verbs_and_suicide_attacks(coder: NlpCoder) -> None:
    (bomb,) = coder.code("A suicide bomber blew himself up outside a police station in Mogadishu.", DAY)
    assert bomb.cameo == "1831"
    assert {c for _, c, _ in triples(coder, "The United States trained Somali commandos.")} == {"06"}
    assert {c for _, c, _ in triples(coder, "Doctors Without Borders treated wounded Yemenis in Aden.")} == {"07"}


def test_descriptions_are_not_events(coder: NlpCoder) -> None:
    # what someone calls a thing is a name, not a statement; a past participle describing a noun is no act
    assert {
        c for _, c, _ in triples(coder, "Indian warplanes struck what New Delhi called a training camp in Pakistan.")
    } == {"19"}
    text = "Chinese coast guard personnel armed with knives boarded Philippine navy boats."
    assert "06" not in {c for _, c, _ in triples(coder, text)}


def test_protest_at_an_embassy_and_pattern_alternatives(coder: NlpCoder) -> None:
    # "(IN FAVOUR/FAVOR)" in the CAMEO dictionary is two patterns, not a bare "in" (which made every
    # "demonstrated in X" a rally of support)
    assert triples(coder, "Protesters demonstrated outside the US embassy in Baghdad.") == {("IRQ", "14", "USA")}


def test_activities_and_violence_are_not_actors(coder: NlpCoder) -> None:
    # "military exercises" is an activity and "force" without an article is violence: neither is an armed force
    for text in ("North Korea warned it would respond with force.", "Seoul held military exercises on Monday."):
        assert all(e.target_sector != "MIL" for e in coder.code(text, DAY)), text


def test_resuming_an_activity_is_that_activity(coder: NlpCoder) -> None:
    (ev,) = coder.code("Seoul intends to resume military exercises with Washington.", DAY)
    assert (ev.source, ev.cameo, ev.target, ev.modality) == ("KOR", "0312", "USA", "intended")


def test_failing_and_defiance_are_not_acts_or_rejections(coder: NlpCoder) -> None:
    assert triples(coder, "Nigerian police failed to protect the villages.") == set()
    text = "Philippine President Ferdinand Marcos Jr said his country would not be intimidated."
    assert all(c != "12" for _, c, _ in triples(coder, text))


def test_light_verbs_code_only_through_a_pattern(coder: NlpCoder) -> None:
    # "hold", "take", "back", "pass" mean little alone: their dictionary default (coerce, seize...) is not used
    assert triples(coder, "Protesters in Nairobi held banners outside parliament.") == set()
    assert {c for _, c, _ in triples(coder, "India and Pakistan held talks in Geneva.")} == {"04"}


def test_relative_pronouns_and_longer_unknown_names(coder: NlpCoder) -> None:
    # "who"/"which" is the noun its clause describes; "Hassan" alone is not "Hassan Sheikh Mohamud"
    text = "The Houthis, who control northern Yemen, attacked a Greek tanker."
    assert {s for s, _, _ in triples(coder, text)} == {"YEM"}
    assert all(e.source != "JOR" for e in coder.code("President Hassan Sheikh Mohamud met Kenyan officials.", DAY))


def test_armed_groups_added(coder: NlpCoder) -> None:
    assert {s for s, _, _ in triples(coder, "Islamic State fighters abducted Yazidi women in Sinjar.")} == {"IMGMUSISI"}
    assert {s for s, _, _ in triples(coder, "M23 rebels attacked Congolese troops near Goma.")} == {"COD"}


def test_a_warning_that_someone_will_pay(coder: NlpCoder) -> None:
    text = "A Houthi official warned that the United States and Britain would pay a heavy price."
    assert triples(coder, text) == {("YEM", "13", "USA"), ("YEM", "13", "GBR")}


def test_reports_and_expulsions(coder: NlpCoder) -> None:
    (ev,) = coder.code("Niger's junta ordered the French ambassador to leave the country within 48 hours.", DAY)
    assert (ev.source, ev.cameo, ev.target) == ("NER", "174", "FRA")
    # "said in a video message that ..." is a report, not an act of saying coded by its words
    assert triples(coder, "Guterres said in a video message that Pakistan was awash in suffering.") == set()


def test_only_civilians_riot(coder: NlpCoder) -> None:
    (ev,) = coder.code("MOGADISHU, Aug 20 — Al-Shabaab gunmen stormed a hotel in the Somali capital.", DAY)
    assert ev.cameo[:2] == "18"


def test_an_agent_word_alone_belongs_to_the_storys_state(coder: NlpCoder) -> None:
    doc = (
        "PORT-AU-PRINCE, March 12 — Haiti's prime minister agreed to resign. Haiti has been in crisis for months. "
        "U.S. Secretary of State Antony Blinken met Caribbean leaders in Jamaica. Gangs attacked police stations."
    )
    gangs = [e for e in coder.code(doc, DAY) if e.source_sector == "CRM"]
    assert gangs and all(e.source == "HTI" for e in gangs)


def test_a_reported_toll_is_not_the_reporters_act(coder: NlpCoder) -> None:
    assert triples(coder, "The Sudanese Doctors' Union said at least 56 civilians had been killed.") == set()
    assert {
        (s, c) for s, c, _ in triples(coder, "Pakistan's anti-graft bureau said Imran Khan had been arrested.")
    } == {("PAK", "17")}


def test_a_decision_to_sanction_is_the_act_a_conditional_one_a_threat(coder: NlpCoder) -> None:
    assert {c[:2] for _, c, _ in triples(coder, "The European Union agreed to cut off Russian banks from SWIFT.")} == {
        "16"
    }
    text = "The European Union said it would cut off Russian banks if Moscow did not withdraw."
    assert {c[:2] for s, c, _ in triples(coder, text) if s == "IGOEUREEC"} == {"13"}


def test_co_mediators_are_not_each_others_target(coder: NlpCoder) -> None:
    text = "Washington and Riyadh have mediated talks between Sudan's army and the RSF."
    assert all(t not in ("USA", "SAU") for _, c, t in triples(coder, text) if c == "04")


def test_congo_by_date(coder: NlpCoder) -> None:
    # since Zaire became the DRC (1997), "Congo" alone is the DRC in wire copy; before, the Republic of Congo
    text = "Congo accused Rwanda of backing the rebels."
    assert {s for s, _, _ in triples(coder, text, dt.date(2023, 1, 1))} == {"COD"}
    assert {s for s, _, _ in triples(coder, text, dt.date(1995, 1, 1))} == {"COG"}


def test_the_reporter_of_its_own_aid_is_the_sender(coder: NlpCoder) -> None:
    (ev,) = coder.code("Biden said more weapons would be sent to Ukraine within days.", DAY)
    assert (ev.source, ev.cameo, ev.target, ev.modality) == ("USA", "0332", "UKR", "intended")


def test_committed_to_doing_is_an_intention(coder: NlpCoder) -> None:
    assert "03" in {c for _, c, _ in triples(coder, "Iran said it remained committed to cooperating with the IAEA.")}


def test_a_pattern_of_prepositions_reads_the_verbs_own_phrase(coder: NlpCoder) -> None:
    # "blast X for" criticises, but a "for" inside a noun phrase is not the verb's: these are attacks
    roots = {c for _, c, _ in triples(coder, "Pakistan fired missiles at India in retaliation for the raid.")}
    assert "19" in roots and "11" not in roots
    roots = {c for _, c, _ in triples(coder, "Russian jets bombed a camp for displaced people in Syria.")}
    assert "11" not in roots


def test_a_quoted_characterisation_after_the_object(coder: NlpCoder) -> None:
    # 'called the attack "cowardly"': the small model hangs the quoted word on the verb; still a criticism
    roots = {c for _, c, _ in triples(coder, 'Kenya called the attack on its embassy "cowardly".')}
    assert roots == {"11"}
    roots = {c for _, c, _ in triples(coder, 'Ukraine called the decision "historic".')}
    assert roots == {"05"}


def test_an_appeal_to_a_group_that_is_no_actor_gets_no_context_target(coder: NlpCoder) -> None:
    text = "Russia shelled Kharkiv on Monday. Ukraine's foreign minister urged Western allies to send air defences."
    assert ("UKR", "02", None) in triples(coder, text)
    text = "Floods hit Pakistan. Prime Minister Shehbaz Sharif appealed to donors for $10 billion."
    assert ("PAK", "02", None) in triples(coder, text)
    # known parties are still the target: "both countries" are the two named before
    text = "India and Pakistan exchanged fire. China urged both countries to exercise restraint."
    assert any(s == "CHN" and c == "02" and t is not None for s, c, t in triples(coder, text))


def test_a_conjoined_act_of_speech_belongs_to_the_speaker(coder: NlpCoder) -> None:
    # the small model hangs "accused" / "called for" on the reported clause; they are the speaker's acts
    text = "Armenian officials said dozens of people had been killed and accused Azerbaijan of launching a war."
    assert ("ARM", "11", "AZE") in triples(coder, text)
    text = "Amnesty International said the massacre may amount to a crime and called on Nigeria to protect villagers."
    assert ("NGOHRIAMN", "02", "NGA") in triples(coder, text)
    # a reported clause's own second verb stays the reported actor's
    assert ("ISR", "19", "PSE") in triples(coder, "Egypt said Israeli troops had crossed the border and shelled Gaza.")


def test_un_human_rights_chief_and_office_holders(coder: NlpCoder) -> None:
    # "Turk" in "Volker Turk" is a person's name, not Turkey; the office holder is dated
    text = "UN rights chief Volker Turk urged Mali to investigate the killings."
    assert ("IGOUNOHRIHCH", "02", "MLI") in triples(coder, text, dt.date(2023, 5, 1))
    text = "The top UN human rights official condemned the attack by Russia."
    assert {s for s, _, _ in triples(coder, text)} == {"IGOUNOHRIHCH"}


def test_a_quantitys_of_phrase_is_the_object(coder: NlpCoder) -> None:
    # "treated dozens of wounded civilians" matches "treat * wounded" as "treated wounded civilians" does
    text = "Myanmar's army shelled the town. Doctors Without Borders treated dozens of wounded civilians."
    assert any(s == "NGOHLHMSF" and c == "07" for s, c, _ in triples(coder, text))


def test_a_group_including_named_members_is_its_members(coder: NlpCoder) -> None:
    text = "Several Western countries, including Britain and France, condemned the attack on Israel."
    assert {s for s, _, _ in triples(coder, text)} == {"GBR", "FRA"}
    text = "Venezuela expelled diplomats from seven countries, including Argentina, Chile and Peru."
    assert {t for _, c, t in triples(coder, text) if c == "17"} == {"ARG", "CHL", "PER"}


def test_it_in_a_clause_of_time_is_the_main_subject(coder: NlpCoder) -> None:
    # "as it began drills": China, the main clause's subject, not Taiwan, the state named last
    text = "China fired missiles into waters around Taiwan as it began military drills near the island."
    assert all(s == "CHN" for s, _, _ in triples(coder, text))


def test_an_apposition_names_the_actor_better_than_its_head(coder: NlpCoder) -> None:
    # the head names nobody but through the context; the apposition names the person
    text = "The country's top diplomat, Sergei Lavrov, met Chinese officials in Beijing."
    assert {s for s, _, _ in triples(coder, text)} == {"RUS"}
    # a title with its state beats a person's dictionary role
    text = "Abdoulaye Diop, Mali's foreign minister, accused France of espionage."
    assert ("MLI", "11", "FRA") in triples(coder, text)


def test_a_gerund_event_noun_the_model_reads_as_a_verb(coder: NlpCoder) -> None:
    # "Shelling continued": the small model tags the sentence-initial gerund as an auxiliary or a verb
    text = "Indian troops shelled Pakistani posts. Shelling continued along the Line of Control, officials said."
    events = coder.code(text, DAY)
    assert any(e.cameo.startswith("19") and "nominal" in e.rule for e in events)


def test_a_continued_fight_keeps_the_sides_of_the_last_act_of_force(coder: NlpCoder) -> None:
    text = "Azerbaijan shelled Armenian positions on Monday. Heavy fighting continued on Tuesday, residents said."
    assert ("AZE", "19", "ARM") in {(s, c, t) for s, c, t in triples(coder, text)}
    events = [e for e in coder.code(text, DAY) if "continued" in e.rule]
    assert [(e.source, e.target) for e in events] == [("AZE", "ARM")]


def test_aid_that_arrives_is_aid_given(coder: NlpCoder) -> None:
    text = "The first UN aid convoy crossed into Syria on Thursday."
    assert ("IGOUNO", "07", "SYR") in triples(coder, text)
    # a military convoy is no aid; a convoy that did not enter is nothing
    assert all(c != "07" for _, c, _ in triples(coder, "A Russian military convoy crossed into Ukraine on Thursday."))
    assert all(c != "07" for _, c, _ in triples(coder, "The UN aid convoy did not cross into Syria."))


def test_a_quoted_speaker_makes_a_statement(coder: NlpCoder) -> None:
    text = 'The Kremlin said the Swedish decision was "an interesting development".'
    assert triples(coder, text) == {("RUS", "01", None)}
    # a plain report without a quotation stays no event; a quotation inside a coded act adds nothing
    assert triples(coder, "The Kremlin said the Swedish decision was an interesting development.") == set()
    assert {
        c for _, c, _ in triples(coder, 'Russia "deeply" condemned the attack on its embassy, the Kremlin said.')
    } == {"11"}


def test_a_quoted_criticism(coder: NlpCoder) -> None:
    text = 'The Kremlin said the package would "further ruin Ukraine" and lead to more deaths.'
    assert {c for _, c, _ in triples(coder, text)} == {"11"}


def test_people_killed_by_the_state_during_protests_is_repression(coder: NlpCoder) -> None:
    text = "Myanmar security forces killed at least 114 people on Saturday in the bloodiest day of protests."
    assert {c for _, c, _ in triples(coder, text)} == {"17"}
    # "in March" is a month, not a march
    text = "Malian troops killed at least 500 people during an operation in the town of Moura in March."
    assert "17" not in {c for _, c, _ in triples(coder, text)}


def test_the_fund_is_the_last_organisation_named(coder: NlpCoder) -> None:
    text = "The IMF approved a $3 billion loan for Sri Lanka. President Ranil Wickremesinghe thanked the fund."
    assert ("LKA", "05", "IGOBUSIMF") in triples(coder, text, dt.date(2023, 3, 21))


def test_a_conjoined_act_set_off_by_a_comma_or_a_tense_is_the_main_subjects(coder: NlpCoder) -> None:
    text = (
        "The United States determined that Sudanese militias had committed atrocities, and imposed sanctions on Sudan."
    )
    assert ("USA", "16", "SDN") in triples(coder, text)
    assert ("SDN", "16", "USA") not in triples(coder, text)


def test_where_people_fled_to_is_a_place(coder: NlpCoder) -> None:
    text = (
        "Indonesian police arrested three men. Interpol issued a red notice for a suspect who fled to Papua New Guinea."
    )
    assert all(t != "PNG" for _, _, t in triples(coder, text))


def test_an_offer_named_by_a_noun_is_an_intention(coder: NlpCoder) -> None:
    (offer,) = coder.code("Nigeria's army said it was ready for talks with the rebels.", DAY)
    assert (offer.source, offer.cameo, offer.modality) == ("NGA", "036", "intended")
    assert triples(coder, "Iran said it was prepared for negotiations with the United States.") == {
        ("IRN", "03", "USA")
    }
    assert triples(coder, "Iran said it was not ready for negotiations with the United States.") == set()


def test_naming_a_legitimate_target_threatens_force(coder: NlpCoder) -> None:
    for text in (
        "Hamas said Israeli soldiers were legitimate targets.",
        "Israeli soldiers are legitimate targets, Hamas said.",
        "Hamas described Israeli soldiers as legitimate targets.",
    ):
        assert {(e.source, e.cameo, e.target) for e in coder.code(text, DAY)} == {("PSE", "138", "ISR")}, text
    assert triples(coder, "Hamas said Israeli soldiers were not legitimate targets.") == set()


def test_a_condition_is_no_act(coder: NlpCoder) -> None:
    text = "Somalia said it would talk to the militants if they renounced violence."
    assert all(c != "11" for _, c, _ in triples(coder, text))


def test_the_mission_is_an_organisation_and_the_group_an_armed_group(coder: NlpCoder) -> None:
    doc = (
        "The UN mission said Hamas fighters had attacked a village in Israel. "
        "Israel rejected the mission's call for an inquiry. The group's leader later threatened Egypt."
    )
    got = triples(coder, doc)
    assert ("ISR", "12", "IGOUNO") in got and ("PSE", "13", "EGY") in got


def test_a_quoted_remark_can_praise_or_condemn(coder: NlpCoder) -> None:
    praise = '"Our friendship with India has never been stronger," Biden said at a news conference.'
    assert {(e.source, e.cameo, e.target) for e in coder.code(praise, DAY)} == {("USA", "051", "IND")}
    scorn = '"What Russia did is a moral obscenity," Biden said at a news conference.'
    assert {(e.source, e.cameo, e.target) for e in coder.code(scorn, DAY)} == {("USA", "111", "RUS")}
    plain = '"The talks lasted four hours," Biden said at a news conference.'
    assert {e.cameo for e in coder.code(plain, DAY)} == {"010"}


def test_chemical_weapons_are_mass_violence(coder: NlpCoder) -> None:
    for text in (
        "Syrian aircraft dropped barrels filled with chlorine on the town of Douma.",
        "Syria used chemical weapons against civilians in Douma.",
    ):
        assert {e.cameo for e in coder.code(text, DAY)} == {"2041"}, text
    assert {e.cameo for e in coder.code("Iraqi police fired tear gas at protesters in Baghdad.", DAY)} == {"175"}


def test_a_state_is_not_the_target_of_its_own_agency(coder: NlpCoder) -> None:
    # the army moving guns near its own capital: a posture with no target, not the army against Syria
    (move,) = coder.code("The Syrian army moved artillery batteries to the outskirts of Damascus.", DAY)
    assert (move.source, move.source_sector, move.cameo, move.target) == ("SYR", "MIL", "154", None)
    # force stays domestic: the army against its own country's rebels or places
    assert ("SYR", "19", "SYR") in triples(coder, "The Syrian army shelled rebel positions in Idlib.")


def test_a_mislemmatised_verb_is_found_by_its_ending(coder: NlpCoder) -> None:
    # the small model lemmatises "raped" as "rap": the regular ending finds the dictionary's "rape"
    got = {e.cameo for e in coder.code("Sudanese fighters tortured detainees and raped women in Khartoum.", DAY)}
    assert got == {"1822", "1821"}


def test_turning_down_an_invitation_is_a_rejection(coder: NlpCoder) -> None:
    (no,) = coder.code("Serbia turned down an invitation to talks with Kosovo in Brussels.", DAY)
    assert (no.source, no.cameo) == ("SRB", "125")


def test_a_blast_nobody_is_named_for_has_an_unknown_bomber(coder: NlpCoder) -> None:
    doc = (
        "KHARTOUM, June 12 — Sudanese soldiers attacked rebel positions in Khartoum on Monday. "
        "A car bomb exploded outside an army hospital in Omdurman on Tuesday, killing nine people."
    )
    evs = [e for e in coder.code(doc, DAY) if e.cameo.startswith("18")]
    assert [(e.source, e.cameo, e.target) for e in evs] == [(None, "183", "SDN")]  # not the last fight's side


def test_drills_of_ones_own_show_force_and_joint_drills_cooperate(coder: NlpCoder) -> None:
    assert {e.cameo for e in coder.code("Belarusian troops held drills near the border with Poland.", DAY)} == {"150"}
    assert {e.cameo for e in coder.code("Russia and China held joint naval drills in the Sea of Japan.", DAY)} == {
        "062"
    }
    assert {e.cameo for e in coder.code("India held military exercises with France.", DAY)} == {"062"}
    (drill,) = coder.code("Russia said it would hold drills near the border with Ukraine.", DAY)
    assert (drill.cameo, drill.modality) == ("150", "intended")  # an announced posture is the posture


def test_dozens_of_villagers_killed_is_a_massacre(coder: NlpCoder) -> None:
    assert {e.cameo for e in coder.code("Boko Haram fighters killed 40 villagers in Borno.", DAY)} == {"202"}
    assert {e.cameo for e in coder.code("Boko Haram fighters killed 40 people in Borno.", DAY)} == {"180"}


def test_a_light_verb_takes_its_act_from_the_noun(coder: NlpCoder) -> None:
    text = "Russian soldiers had carried out executions, torture and sexual violence against Ukrainian civilians."
    assert {(e.source, e.cameo, e.target) for e in coder.code(text, DAY)} == {
        ("RUS", "1823", "UKR"),
        ("RUS", "1822", "UKR"),
        ("RUS", "1821", "UKR"),
    }
    assert {e.cameo for e in coder.code("Myanmar's army committed genocide against the Rohingya in 2017.", DAY)} == {
        "202"
    }
    # what an accusation says is not asserted
    text = "Myanmar rejected accusations that its army had committed genocide against the Rohingya."
    assert all(e.cameo[:2] != "20" for e in coder.code(text, DAY))


def test_co_subjects_are_not_each_others_target(coder: NlpCoder) -> None:
    doc = "Floods killed 1,100 people in Pakistan. China, Turkey and Qatar have also sent relief flights."
    aid = {(e.source, e.target) for e in coder.code(doc, DAY) if e.cameo.startswith("07")}
    assert aid == {("CHN", "PAK"), ("TUR", "PAK"), ("QAT", "PAK")}


def test_background_is_not_the_act(coder: NlpCoder) -> None:
    # the retaliation's cause is no chemical attack by the one retaliating; drills of two armies are joint
    text = "The United States fired 59 cruise missiles at a Syrian air base in retaliation for the chemical attack."
    assert {e.cameo[:2] for e in coder.code(text, DAY)} == {"19"}
    text = "Chinese and Belarusian troops held anti-terrorism drills near the Polish border."
    assert {e.cameo for e in coder.code(text, DAY)} == {"062"}


def test_a_states_acts_at_home_are_administrative_and_arrests(coder: NlpCoder) -> None:
    text = "Pakistani police arrested former Prime Minister Imran Khan in Islamabad on Tuesday."
    assert {e.cameo for e in coder.code(text, dt.date(2023, 5, 9))} == {"173"}
    text = "The Taliban administration suspended higher education for Afghan women."
    assert {e.cameo[:3] for e in coder.code(text, DAY)} == {"172"}


def test_those_among_the_countries_that_act_are_the_sources(coder: NlpCoder) -> None:
    text = "Britain and France were among the countries that condemned the coup in Niger."
    assert triples(coder, text) == {("GBR", "11", "NER"), ("FRA", "11", "NER")}


def test_a_truce_brokered_by_mediators(coder: NlpCoder) -> None:
    text = "Hamas freed 24 hostages on Friday, on the first day of a truce brokered by Qatar and Egypt."
    got = triples(coder, text)
    assert {("QAT", "04", "PSE"), ("EGY", "04", "PSE")} <= got
    assert not any(c == "08" and t in ("QAT", "EGY") for _, c, t in got)  # a mediator is no party


def test_they_and_the_allies_are_the_last_joint_sources(coder: NlpCoder) -> None:
    doc = (
        "The United States, Britain and Canada imposed sanctions on Russia on Saturday. "
        "The allies also said they would freeze the assets of Russia's central bank."
    )
    second = {(e.source, e.target) for e in coder.code(doc, DAY) if e.sentence == 1}
    assert second == {("USA", "RUS"), ("GBR", "RUS"), ("CAN", "RUS")}
    # "they" of a group named in its own sentence is that group
    doc = "Britain and Canada imposed sanctions on Russia. A group of women protested before they were dispersed."
    assert all(e.target not in ("GBR", "CAN") for e in coder.code(doc, DAY) if e.sentence == 1)


def test_driving_a_population_out_is_mass_expulsion(coder: NlpCoder) -> None:
    text = "The Khmer Rouge forced the entire population of Phnom Penh into the countryside in 1975."
    assert {e.cameo for e in coder.code(text, DAY)} == {"201"}
    assert {
        e.cameo for e in coder.code("Migrants tried to force their way across the border into Poland.", DAY)
    } == set()


def test_an_indefinite_attack_has_an_unknown_doer_and_the_definite_one_is_known(coder: NlpCoder) -> None:
    text = "BEIRUT, April 4 — A suspected chemical attack on a town in Syria's Idlib province killed 58 people."
    assert {(e.source, e.cameo, e.target) for e in coder.code(text, DAY)} == {(None, "2041", "SYR")}
    doc = "The United States fired missiles at a Syrian air base on Friday. The attack killed six soldiers."
    assert ("USA", "19", "SYR") in {(e.source, e.cameo[:2], e.target) for e in coder.code(doc, DAY) if e.sentence == 1}


def test_forces_deployed_at_home_are_a_build_up(coder: NlpCoder) -> None:
    text = "Ecuador's army deployed armoured vehicles in the streets of Quito and Guayaquil."
    assert {(e.cameo, e.target) for e in coder.code(text, DAY)} == {("154", None)}


def test_the_dead_are_victims_not_doers(coder: NlpCoder) -> None:
    text = "Russian opposition leader Alexei Navalny, who died in an Arctic prison, was buried in Moscow."
    assert not [e for e in coder.code(text, DAY) if e.source == "RUS" and e.cameo[:2] in ("14", "18", "19")]
    (died,) = coder.code("Two Indian soldiers died in clashes with Chinese troops in Ladakh.", DAY)
    assert died.target == "IND" and died.cameo[:2] == "19"


def test_summoning_an_ambassador_is_a_formal_complaint(coder: NlpCoder) -> None:
    text = "China summoned the U.S. ambassador on Tuesday to protest against the visit."
    assert {(e.source, e.cameo, e.target) for e in coder.code(text, DAY)} == {("CHN", "114", "USA")}


def test_an_arrest_warrant_is_an_arrest(coder: NlpCoder) -> None:
    text = "The International Criminal Court issued an arrest warrant on Friday for Russian President Vladimir Putin."
    assert {e.cameo for e in coder.code(text, dt.date(2023, 3, 17))} == {"173"}


def test_an_armed_groups_assault_with_no_victim_named_is_on_its_own_people(coder: NlpCoder) -> None:
    doc = "The United States sanctioned Sudan's RSF. The RSF raped women and girls in the camps."
    assert ("SDN", "18", "SDN") in {(e.source, e.cameo[:2], e.target) for e in coder.code(doc, DAY) if e.sentence == 1}


def test_lodging_a_protest_after_a_report_is_the_speakers_act(coder: NlpCoder) -> None:
    text = "Japan said five missiles had fallen inside its waters and lodged a formal protest with China."
    assert ("JPN", "11", "CHN") in triples(coder, text)


def test_a_state_at_home_and_talks_held_at_one_sides_capital(coder: NlpCoder) -> None:
    assert triples(coder, "Peru declared a state of emergency in Lima.") == {("PER", "17", "PER")}
    assert triples(coder, "Greece and Turkey held talks in Athens.") == {("GRC", "04", "TUR"), ("TUR", "04", "GRC")}


def test_sides_that_agree_together_agree_with_each_other(coder: NlpCoder) -> None:
    got = {(e.source, e.source_sector, e.target) for e in coder.code("Sudan's army and the RSF signed a truce.", DAY)}
    assert got == {("SDN", "MIL", "SDN"), ("SDN", "REB", "SDN")}


def test_a_reaction_to_the_act_targets_its_doer(coder: NlpCoder) -> None:
    doc = "Russia fired missiles at Kyiv on Monday. Germany condemned the attack."
    assert ("DEU", "11", "RUS") in {(e.source, e.cameo[:2], e.target) for e in coder.code(doc, DAY) if e.sentence == 1}
    doc = "The United States imposed sanctions on Sudan's RSF. The RSF called the decision unfair."
    assert ("SDN", "11", "USA") in {(e.source, e.cameo[:2], e.target) for e in coder.code(doc, DAY) if e.sentence == 1}


def test_a_capitals_name_inside_a_longer_place_name_is_no_state(coder: NlpCoder) -> None:
    text = "Rwandan troops recaptured the port town of Mocimboa da Praia in Mozambique on Sunday."
    assert "CPV" not in {e.target for e in coder.code(text, DAY)}
    assert {e.source for e in coder.code("Neighbouring Chad sent troops to Niger on Monday.", DAY)} == {"TCD"}


def test_neither_nor_is_a_negation(coder: NlpCoder) -> None:
    assert (
        triples(coder, "Neither the Sudanese army nor the RSF has ever arrested a suspect wanted by the court.")
        == set()
    )


def test_following_suit_repeats_the_last_act(coder: NlpCoder) -> None:
    doc = "The United States imposed sanctions on Russia on Friday. Britain and Canada followed suit on Saturday."
    got = {(e.source, e.cameo, e.target) for e in coder.code(doc, DAY) if e.sentence == 1}
    assert got == {("GBR", "163", "RUS"), ("CAN", "163", "RUS")}


def test_sides_beginning_a_truce_are_each_others_party(coder: NlpCoder) -> None:
    text = "Colombia's government and the ELN rebels began a six-month bilateral ceasefire on Thursday."
    assert triples(coder, text) == {("COL", "08", "COL")}


def test_what_a_purpose_would_do_is_no_act(coder: NlpCoder) -> None:
    text = "The United States sent 1,000 soldiers to Kabul to help evacuate American staff."
    assert all(e.cameo[:2] not in ("16", "17") for e in coder.code(text, DAY))


def test_a_phrase_of_time_is_no_argument(coder: NlpCoder) -> None:
    text = "Iranian security forces clashed with protesters in dozens of cities for a sixth night on Thursday."
    assert all(e.cameo[:2] != "11" for e in coder.code(text, DAY))


def test_demonyms_the_dictionaries_lacked(coder: NlpCoder) -> None:
    text = "VILNIUS, July 10 — Erdogan met Swedish Prime Minister Ulf Kristersson on Monday."
    assert {e.target for e in coder.code(text, dt.date(2023, 7, 10))} == {"SWE"}


def test_organisations_the_dictionaries_lacked(coder: NlpCoder) -> None:
    got = triples(coder, "South Korea filed a complaint against Japan with the World Trade Organization.")
    assert any(s == "KOR" for s, _, _ in got)
    assert dictionary().actor(("unrwa",), DAY) is not None and dictionary().actor(("wto",), DAY) is not None


def test_conjoined_prepositions_give_each_target(coder: NlpCoder) -> None:
    text = "Japan was talking directly to the Houthis and to Saudi Arabia, Oman and Iran."
    assert {t for _, _, t in triples(coder, text)} == {"YEM", "SAU", "OMN", "IRN"}


def test_talks_hosted_by_a_third_state(coder: NlpCoder) -> None:
    text = (
        "Russian and Ukrainian negotiators held talks on Tuesday at the Dolmabahce palace, "
        "hosted by Turkish President Tayyip Erdogan."
    )
    assert ("TUR", "04") in {(s, c) for s, c, _ in triples(coder, text, dt.date(2022, 3, 29))}


def test_a_conjoined_warning_that_they_will_pay_is_the_speakers_threat(coder: NlpCoder) -> None:
    text = "Netanyahu said Israel was at war and promised that Hamas would pay an unprecedented price."
    assert ("ISR", "13", "PSE") in triples(coder, text, dt.date(2023, 10, 8))


def test_all_the_reporters_are_no_party(coder: NlpCoder) -> None:
    text = "Sudan's army attacked the RSF, the United States and Saudi Arabia said in a joint statement."
    assert all(t not in ("USA", "SAU") for _, _, t in triples(coder, text))


def test_an_arranged_act_is_an_intention(coder: NlpCoder) -> None:
    (w,) = coder.code("Israeli troops are to withdraw from southern Lebanon over 60 days.", DAY)
    assert (w.cameo[:2], w.modality) == ("03", "intended")


def test_laying_down_arms_demobilises(coder: NlpCoder) -> None:
    assert {e.cameo for e in coder.code("Colombian rebels laid down their weapons on Monday.", DAY)} == {"0873"}


def test_a_longer_name_after_the_article_beats_the_article_phrase(coder: NlpCoder) -> None:
    """ "The UN human rights office" is the office (IGOUNOHRIHCH), not "the UN" followed by words; organisation codes
    follow DEVSET.md (UNHCR IGOUNOREFHCR; the African Union, which Phoenix codes only generically, IGO), and a
    generic organisation code is no state: it owns no agent word and is not the story's state."""
    assert triples(coder, "The UN human rights office condemned Mexico.") == {("IGOUNOHRIHCH", "11", "MEX")}
    assert triples(coder, "The UN refugee agency criticised Hungary.") == {("IGOUNOREFHCR", "11", "HUN")}
    assert triples(coder, "The African Union suspended Mali's membership.") == {("IGO", "16", "MLI")}
    assert triples(coder, "The United States criticised Iran.") == {("USA", "11", "IRN")}


def test_a_generic_organisation_code_is_no_state() -> None:
    from detente.core.coder.dictionary import is_org, is_state

    assert is_state("ETH") and not is_state("IGO") and not is_state("IGOUNO") and not is_state("")
    assert is_org("IGO") and is_org("NGOHRI") and not is_org("ETH") and not is_org("")


def test_a_reaction_to_a_referred_act_targets_the_doer_of_that_kind_of_act(coder: NlpCoder) -> None:
    """ "rejected the demand" answers whoever made the story's last demand (10), even when another actor spoke
    since and even over a target of the speaker's own state; "condemned the launch" the last launcher."""
    text = (
        "ECOWAS demanded that Mali's junta hold elections by March. "
        "Russia said it supported the Malian government. "
        "Mali's government rejected the demand."
    )
    evs = [e for e in coder.code(text, DAY) if e.sentence == 2]
    assert {(e.source, e.cameo[:2], e.target) for e in evs} >= {("MLI", "12", "IGOWAFBUSWAS")}
    text = "North Korea launched a ballistic missile. Japan condemned the launch."
    assert ("JPN", "11", "PRK") in triples(coder, text)


def test_an_investigation_takes_a_context_target_only_through_the_target_model(coder: NlpCoder) -> None:
    """Investigations (09) get no made-up target from the rules; a target model weighs "no target" against the
    story's actors for them (the gold sets give most investigations a target)."""
    from detente.core.coder.rootmodel import TargetModel

    text = "Gunmen attacked a village in Nigeria. Nigerian police opened an investigation."
    (inv,) = [e for e in coder.code(text, DAY) if e.cameo.startswith("09")]
    assert inv.target is None
    sure = NlpCoder(dictionary(), load_pipeline(), targets=TargetModel(0.0, {"r:09|k:0": 5.0, "none": -5.0}))
    (inv,) = [e for e in sure.code(text, DAY) if e.cameo.startswith("09")]
    assert inv.target is not None

"""CC_OVERREACH and CASE_NOT_ANONYMISED."""

from __future__ import annotations

from test_rules_kit import message, person, run, vnr

CASE = "Voor dhr. Karim Mansour (V-nr 2711093342) is afgesproken dat DT&V op 10 juni een vertrekgesprek voert."
MARKS = [person("Karim Mansour"), vnr("2711093342")]
LKO = ["j.dekker@ind.nl", "m.haddou@dtv.minvenj.nl", "avim.zuid@politie.nl"]


def test_cc_overreach_not_for_lko_feedback_all_in_to() -> None:
    out = run(message("t@coa.nl", LKO, CASE, subject="Terugkoppeling LKO 3 juni"), MARKS)
    assert out.fired == {}


def test_cc_overreach_for_a_bcc_and_lowered_by_motivation() -> None:
    msg = message("t@coa.nl", LKO, CASE, bcc=["team-budel@coa.nl"], subject="Terugkoppeling LKO 3 juni")
    out = run(msg, MARKS)
    assert out.fired == {"CC_OVERREACH": "warn"}
    assert out.of("CC_OVERREACH")[0].message.startswith("Je zet 1 ontvanger(s) in cc/bcc: team-budel@coa.nl")
    motivated = message("t@coa.nl", LKO, CASE + "\nMotivering: team moet de afspraak uitvoeren",
                        bcc=["team-budel@coa.nl"], subject="Terugkoppeling LKO 3 juni")
    assert run(motivated, MARKS).fired == {"CC_OVERREACH": "info"}


def test_cc_overreach_for_a_cc_of_another_organisation() -> None:
    out = run(message("b@coa.nl", ["avim.zuid@politie.nl"], CASE, cc=["oov@cranendonck.nl"]), MARKS)
    assert out.of("CC_OVERREACH")[0].recipients == ["oov@cranendonck.nl"]


def test_cc_overreach_not_for_one_or_two_own_colleagues() -> None:
    out = run(message("b@coa.nl", ["x@ind.nl"], CASE, cc=["c1@coa.nl", "c2@coa.nl"]), MARKS)
    assert "CC_OVERREACH" not in out.fired


def test_cc_overreach_for_more_than_the_threshold_and_for_a_list() -> None:
    cc = ["c1@coa.nl", "c2@coa.nl", "c3@coa.nl", "c4@coa.nl", "c5@coa.nl"]
    out = run(message("b@coa.nl", ["x@ind.nl"], CASE, cc=cc), MARKS)
    assert out.of("CC_OVERREACH")[0].recipients == ["c4@coa.nl", "c5@coa.nl"]
    listed = run(message("b@coa.nl", ["x@ind.nl"], CASE, cc=["afdeling.opvang@coa.nl"]), MARKS)
    assert listed.of("CC_OVERREACH")[0].recipients == ["afdeling.opvang@coa.nl"]


def test_cc_overreach_needs_personal_data_and_skips_the_senders_own_bcc() -> None:
    assert run(message("b@coa.nl", ["x@ind.nl"], "Algemene vraag", bcc=["y@gmail.com"])).fired == {}
    assert "CC_OVERREACH" not in run(message("b@coa.nl", ["x@ind.nl"], CASE, bcc=["b@coa.nl"]), MARKS).fired


LEARN = ("Ter lering een bijzondere casus uit het LKO: dhr. Omar Farah (V-nr 2604471188) weigerde drie keer een "
         "kamerwissel.")
LEARN_MARKS = [person("Omar Farah"), vnr("2604471188")]


def test_case_not_anonymised_for_a_team_list() -> None:
    out = run(message("teamleider.budel@coa.nl", ["team-begeleiding-budel@coa.nl"], LEARN), LEARN_MARKS)
    assert out.fired == {"CASE_NOT_ANONYMISED": "warn"}
    assert out.of("CASE_NOT_ANONYMISED")[0].message.startswith(
        "Je deelt een casus met een verzendlijst (team-begeleiding-budel@coa.nl)")
    assert out.suggested("anonymise")


def test_case_not_anonymised_covers_cc_overreach() -> None:
    out = run(message("teamleider.budel@coa.nl", ["team-begeleiding-budel@coa.nl"], LEARN,
                      cc=["afdeling-budel@coa.nl"]), LEARN_MARKS)
    assert "CC_OVERREACH" not in out.fired and "CASE_NOT_ANONYMISED" in out.fired


def test_case_not_anonymised_not_for_anonymous_text_handover_or_outside() -> None:
    anonymous = "Ter lering: een bewoner van middelbare leeftijd weigerde drie keer een kamerwissel."
    assert run(message("t@coa.nl", ["team-begeleiding-budel@coa.nl"], anonymous)).fired == {}
    handover = LEARN + " Wil jij dit oppakken als casemanager?"
    assert run(message("t@coa.nl", ["team-begeleiding-budel@coa.nl"], handover), LEARN_MARKS).fired == {}
    outside = run(message("t@coa.nl", ["team-begeleiding-budel@coa.nl", "x@ind.nl"], LEARN), LEARN_MARKS)
    assert "CASE_NOT_ANONYMISED" not in outside.fired


def test_case_not_anonymised_for_five_colleagues() -> None:
    to = [f"c{i}@coa.nl" for i in range(5)]
    assert run(message("t@coa.nl", to, LEARN), LEARN_MARKS).fired["CASE_NOT_ANONYMISED"] == "warn"
    assert "CASE_NOT_ANONYMISED" not in run(message("t@coa.nl", to[:2], LEARN), LEARN_MARKS).fired

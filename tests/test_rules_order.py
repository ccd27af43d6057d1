"""rules.md §3: how rules suppress each other, one violation per rule and attachment, the verdict."""

from __future__ import annotations

from pathlib import Path

from test_rules_kit import Mark, message, person, run, vnr

from scanner.policy import load_policy

CASE = "Wij maken ons zorgen over de kinderen van het gezin Ahmadi (V-nrs 2811300021 en 2811300039)."
MARKS = [vnr("2811300021"), vnr("2811300039")]


def test_no_legal_basis_suppresses_the_how_rules_for_that_recipient() -> None:
    out = run(message("m.haddou@dtv.minvenj.nl", ["advies@veiligthuisbrabantnoord.nl"], CASE,
                      cc=["info@kinderopvang-zonnestraal.nl"]), MARKS)
    assert set(out.fired) == {"NO_LEGAL_BASIS"}
    assert sorted(a for v in out.of("NO_LEGAL_BASIS") for a in v.recipients) == [
        "advies@veiligthuisbrabantnoord.nl", "info@kinderopvang-zonnestraal.nl"]
    assert out.verdict == "block"


def test_one_violation_per_rule_lists_all_recipients() -> None:
    out = run(message("a@ind.nl", ["x@onbekend.nl", "y@ook-onbekend.nl"], "V-nr 2811300021."), [vnr("2811300021")])
    violations = out.of("NO_LEGAL_BASIS")
    assert len(violations) == 1 and violations[0].recipients == ["x@onbekend.nl", "y@ook-onbekend.nl"]
    assert "x@onbekend.nl en y@ook-onbekend.nl" in violations[0].message


def test_consent_required_suppresses_purpose_not_stated() -> None:
    out = run(message("a@ind.nl", ["juridisch@vluchtelingenwerk.nl"], "Mevrouw Hanna Alemu (V-nr 2805561203) is "
                      "afgewezen."), [person("Hanna Alemu"), vnr("2805561203")])
    assert set(out.fired) == {"CONSENT_REQUIRED"}


def test_violations_are_sorted_block_first_and_info_never_raises_the_verdict() -> None:
    out = run(message("l@coa.nl", ["oov@venlo.nl"], "Dhr. Idris Musa (V-nr 2812204456). Hij is een querulant."),
              [person("Idris Musa"), vnr("2812204456")])
    assert {v.severity for v in out.violations} == {"info"} and out.verdict == "pass"
    mixed = run(message("a@ind.nl", ["k@gmail.com", "mr@x-advocaten.nl"], "V-nr 2812204456 https://we.tl/t-x"),
                [vnr("2812204456")])
    assert [v.severity for v in mixed.violations] == sorted(
        (v.severity for v in mixed.violations), key=lambda s: {"block": 0, "warn": 1, "info": 2}[s])
    assert mixed.verdict == "block"


def test_suggestions_name_their_rule_and_carry_no_personal_data() -> None:
    out = run(message("w@coa.nl", ["wmo@eemsdelta.nl"], "Mevrouw Amina Yusuf is opgenomen wegens een psychose."),
              [person("Amina Yusuf"), Mark("psychose", "SPECIAL_CATEGORY", "health")])
    assert all(s.details.get("rule") for s in out.suggestions)
    assert "Amina" not in repr([s.to_json() for s in out.suggestions])
    assert "Amina" not in " ".join(v.message for v in out.violations)


def test_allow_listed_structural_flow(tmp_path: Path) -> None:
    path = tmp_path / "p.toml"
    path.write_text('[mailboxes]\nallow_list = ["grens@mindef.nl"]\n', encoding="utf-8")
    text = "Match op vingerafdrukken in Eurodac voor Ahmad Rahimi (V-nr 3006128870)."
    marks = [person("Ahmad Rahimi"), vnr("3006128870"), Mark("vingerafdrukken", "SPECIAL_CATEGORY", "biometric")]
    assert run(message("id@ind.nl", ["grens@mindef.nl"], text), marks).verdict == "block"
    assert run(message("id@ind.nl", ["grens@mindef.nl"], text), marks, policy=load_policy(path)).verdict == "pass"

"""The bundled samples: each gets the verdict and rules samples/README.md promises; all 22 rules show."""

from __future__ import annotations

import mailbox

import pytest

from samples import SAMPLES_DIR, load_expected
from scanner.core import scan_message
from scanner.ingest import load_path, parse_eml

EXPECTED = load_expected()
RULES = {"NO_LEGAL_BASIS", "CONSENT_REQUIRED", "SPECIAL_OUTSIDE_CHAIN", "CC_OVERREACH", "BANNED_CHANNEL",
         "INSECURE_TRANSPORT", "FULL_BESCHIKKING", "SOURCE_NOT_OWNER", "BULK_PERSONAL_DATA", "INTERNAL_CORRESPONDENCE",
         "THIRD_PARTY_DATA", "PHOTO_ATTACHMENT", "FULL_DOSSIER", "PERSONAL_MAILBOX", "UNSCANNABLE_ATTACHMENT",
         "LAWYER_UNVERIFIED", "USE_CHAIN_SYSTEM", "VERTREKSTRATEGIE_TO_NGO", "ASYLUM_MOTIVE_IN_CHAIN",
         "CASE_NOT_ANONYMISED", "PURPOSE_NOT_STATED", "SUBJECTIVE_REMARK"}
RANK = {"info": 0, "warn": 1, "block": 2}


def _check(result, want: dict) -> None:
    fired: dict[str, str] = {}
    for v in result.violations:
        if RANK[v.severity] >= RANK.get(fired.get(v.rule, "info"), 0):
            fired[v.rule] = v.severity
    assert result.verdict == want["verdict"], fired
    for rule, severity in want["fire"].items():
        assert fired.get(rule) == severity, f"{rule}: want {severity}, got {fired.get(rule)}; all {fired}"
    wrong = set(want["must_not_fire"]) & set(fired)
    assert not wrong, f"must not fire: {wrong}"


@pytest.mark.parametrize("name", sorted(EXPECTED["samples"]))
def test_sample(name):
    _check(scan_message(load_path(SAMPLES_DIR / name)), EXPECTED["samples"][name])


def test_every_rule_fires_somewhere_in_the_samples():
    fired = {v.rule for name in EXPECTED["samples"] for v in scan_message(load_path(SAMPLES_DIR / name)).violations}
    assert fired == RULES


def test_sent_mbox_messages_get_their_verdicts_and_rules():
    expected = EXPECTED["mbox"]["messages"]
    messages = list(mailbox.mbox(SAMPLES_DIR / EXPECTED["mbox"]["file"]))
    assert len(messages) == len(expected)
    for message, want in zip(messages, expected, strict=True):
        result = scan_message(parse_eml(message.as_bytes(), f"sent.mbox#{want['index']}"))
        assert result.message_id == want["message_id"]
        _check(result, want)

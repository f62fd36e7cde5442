"""A flow must finish: an 'end' step, and no successful way that runs on into a staffed window by step order."""

from __future__ import annotations

from pathlib import Path

import pytest

from seniormode.cli import main
from seniormode.core.loader import load_flow_text

pytestmark = pytest.mark.unit

# Issue 12, item 7: card, choose, pay, print, and then nothing but the call-staff handoff written below.
NO_END = """flow: no_end
title: 港澳签注续签
call_staff: staff_window
steps:
  - id: read_card
    kind: id_card
    text: 请放身份证
    icon: id_card
  - id: destination
    kind: choice
    text: 去哪里？
    icon: map
    choices:
      - {id: hongkong, text: 香港, icon: hongkong}
      - {id: macau, text: 澳门, icon: macau}
  - id: confirm_pay
    kind: confirm
    text: 付15元，好吗？
    icon: money
  - id: pay
    kind: payment
    text: 请付款
    icon: qr_code
    amount: 15
  - id: print_receipt
    kind: print
    text: 请取走回执
    icon: printer
  - id: staff_window
    kind: handoff
    text: 工作人员马上来
    icon: staff
    window: 5号人工窗口
"""


def test_the_kiosk_no_longer_loads_a_flow_whose_receipt_leads_to_a_staff_ticket() -> None:
    flow, problems = load_flow_text(NO_END, "no_end.yaml")
    assert flow is None and [p.code for p in problems.errors] == ["SM119"]


def test_lint_strict_says_there_is_no_end_and_where_the_usual_way_falls_into_the_handoff(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "no_end.yaml"
    path.write_text(NO_END, encoding="utf-8")
    assert main(["lint", "--strict", "--no-catalogs", str(path)]) == 1
    err = capsys.readouterr().err
    assert f"{path}:1:1: warning[SM118] flow 'no_end' has no 'end' step" in err
    line = NO_END.splitlines().index("  - id: print_receipt") + 1
    assert f"{path}:{line}:9: error[SM119] step 'print_receipt' has no 'next' and runs on into handoff " \
           "'staff_window'" in err


def test_a_choice_or_a_confirm_may_lead_to_the_handoff_below_it() -> None:
    text = NO_END.replace("  - id: print_receipt\n    kind: print\n    text: 请取走回执\n    icon: printer\n",
                          "  - id: print_receipt\n    kind: print\n    text: 请取走回执\n    icon: printer\n"
                          "    next: done\n  - id: done\n    kind: end\n    text: 办好了\n    icon: thumbs_up\n"
                          "  - id: ask\n    kind: confirm\n    text: 要找工作人员吗？\n    icon: staff\n"
                          "    no_next: done\n")
    text = text.replace("      - {id: macau, text: 澳门, icon: macau}\n",
                        "      - {id: macau, text: 澳门, icon: macau}\n      - {id: other, text: 别处, icon: map, "
                        "next: ask}\n")
    _, problems = load_flow_text(text, "ok.yaml")
    assert [p.code for p in problems.items if p.code in ("SM118", "SM119")] == []

"""The kiosk's own words (not a flow's): each has a gettext identity like a flow string does."""

from __future__ import annotations

from .flow import Text
from .problems import Location

_HERE = Location("seniormode/core/messages.py")

MESSAGES: dict[str, str] = {
    "help_default": "不会操作也没关系。请按“叫工作人员”，我们马上过来帮您。",
    "device_failed": "机器没有反应。请再试一次，或者按“叫工作人员”。",
    "number_unreadable": "请用数字键输入{field}。",
    "too_long": "{field}太长了，请重新输入。",
    "timeout_warning": "您还在吗？需要更多时间，请按“我还需要时间”。",
    "staff_reason": "申请人在“{step}”这一步请工作人员帮忙",
    "yes": "是",
    "no": "否",
    "ok": "下一步",
    "finish": "完成",
}


def message(key: str, **values: str) -> Text:
    return Text(MESSAGES[key].format(**values), f"kiosk/{key}", _HERE)

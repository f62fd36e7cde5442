"""The kiosk's own words (not a flow's): each has a gettext identity like a flow string does."""

from __future__ import annotations

from typing import Any

from .flow import Text
from .problems import Location

_HERE = Location("seniormode/core/messages.py")

MESSAGES: dict[str, str] = {
    "help_default": "不会操作也没关系。请按“叫工作人员”，我们马上过来帮您。",
    "device_failed": "机器没有反应。请再试一次，或者按“叫工作人员”。",
    "ticket_not_printed": "号码纸没有打出来。请记住屏幕上的号码，到窗口找工作人员。",
    "number_unreadable": "请用数字键输入{field}。",
    "too_long": "{field}太长了，请重新输入。",
    "timeout_warning": "您还在吗？需要更多时间，请按“我还需要时间”。",
    "staff_reason": "申请人在“{step}”这一步请工作人员帮忙",
    "yes": "是",
    "no": "否",
    "ok": "下一步",
    "finish": "完成",
    "start": "开始",
    # the kiosk's buttons and panels
    "ui_strip": "第 {position} 步，共 {total} 步",
    "ui_repeat": "再听一遍",
    "ui_bigger": "大字",
    "ui_smaller": "小字",
    "ui_back": "返回",
    "ui_staff": "叫工作人员",
    "ui_help": "帮助",
    "ui_view": "角度",
    "ui_slower": "慢一点",
    "ui_more_time": "我还需要时间",
    "ui_still_there": "您还在吗？",
    "ui_close": "好的",
    "ui_seconds_left": "还有 {seconds} 秒",
    "ui_change": "修改",
    "ui_cancel_change": "取消修改",
    # after the prompt of a question opened from the summary's 修改 link
    "change_cancel_say": "不想改了，请按“取消修改”，回到核对页，原来的答案不变。",
    "ui_delete": "删除",
    "ui_enter": "确定",
    "ui_simulate": "模拟：{action}",
    "ui_simulate_fail": "模拟故障",
    "ui_ticket_number": "您的号码",
    "ui_go_to_window": "请到{window}",
    "ui_card_action": "放好身份证",
    "ui_photo_action": "拍照",
    "ui_qr_action": "扫二维码",
    "ui_payment_action": "付款",
    "ui_print_action": "取回执",
    "ui_print_again": "再打印一次",
    "ui_amount": "{amount} {unit}",
    # what the ID card gave, on a confirm step's `card:` rows
    "card_name": "姓名",
    "card_region": "户籍地",
    "card_age": "年龄",
    # fingerprint, signature and live face (seniormode/core/devices.py)
    "ui_fingerprint_action": "指纹清楚",
    "ui_fingerprint_fail": "模拟：指纹不清",
    "ui_live_face_action": "眨了眼",
    "ui_live_face_fail": "模拟：没看清",
    "ui_signature_action": "签名",
    "ui_sign_again": "重签",
    "ui_signed": "签好了",
    "ui_tries_left": "还可以试 {tries} 次",
    "fingerprint_again_1": "没有按清楚。请把手指放平，稍微用力。",
    "fingerprint_again_2": "还是不清楚。请把手指擦干净，放平，再按一次。",
    "live_face_say": "{prompt}{instruction}",
    "live_face_again": "没有看清，再来一次。看着镜头，{instruction}。",
    "tries_reason": "“{step}”试了 {tries} 次没有成功",
    "signature_empty": "还没有签名。请用手指在框里写您的名字。",
    "signature_too_small": "签名太小了。请把名字写大一点，写满框里。",
    "signature_too_short": "签名太短了。请把名字写完整。",
    # the call-staff handoff: where the applicant stopped, and Back until the ticket is printed
    "ui_strip_stopped": "停在第 {position} 步，共 {total} 步",
    "ui_print_ticket": "打印号码纸",
    "ui_undo_call": "按错了？请按“返回”，回到刚才那一步",
    "ui_done_so_far": "已办好",
    "ui_stopped_at": "停在：{step}",
    # the printed slips (seniormode/core/slip.py): the print step's receipt and a hand-off's ticket
    "slip_receipt_title": "回执",
    "slip_receipt_number": "回执号",
    "slip_chosen": "您选的",
    "slip_paid": "已付款 {amount}",
    "slip_receipt_keep": "请保管好这张回执",
    "slip_ticket_title": "号码纸",
    "slip_reason": "原因：{reason}",
    "slip_ticket_keep": "请拿好号码纸，等候叫号",
    "slip_issued": "{time}",
    "slip_issued_at": "{time}  {station}号机",
    "handoff_print_or_back": "要请工作人员帮忙，请按“打印号码纸”。按错了，请按“返回”，回到刚才那一步。",
    # what the 角度 (viewing-angle) button says as it moves to each preset (seniormode.core.viewing.PRESET_ORDER)
    "view_standard": "站着看",
    "view_seated": "坐着看",
    "view_wheelchair": "坐轮椅看",
    "view_tall": "个子高的人看",
    # the 好差评 step: the five official levels, then what was hard (seniormode/core/feedback.py)
    "feedback_very_satisfied": "非常满意",
    "feedback_satisfied": "满意",
    "feedback_basically_satisfied": "基本满意",
    "feedback_unsatisfied": "不满意",
    "feedback_very_unsatisfied": "非常不满意",
    "feedback_skip": "不评价，跳过",
    "feedback_hard_text": "哪里不好用？",
    "feedback_hard_say": "哪里不好用？可以选几个，选好了请按“好了”。",
    "feedback_hard_done": "好了",
}


def message(key: str, **values: Any) -> Text:
    """A kiosk message; placeholder values may be plain values or Texts (translated with the message)."""
    template = MESSAGES[key]
    if not values:
        return Text(template, f"kiosk/{key}", _HERE)
    filled = template.format(**{k: str(v) for k, v in values.items()})
    return Text(filled, f"kiosk/{key}", _HERE, template=template, params=tuple(values.items()))

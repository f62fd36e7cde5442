"""Spoken text for espeak-ng: prices, dates, times, percentages, tickets and phone numbers as words.

espeak-ng reads `¥15`, `15.50元`, `2024年`, `10:30`, `50%` and `A012` wrongly in its Chinese voices, so every
prompt is passed through `normalise(text, locale)` before it is spoken. Mandarin (`zh_Hans_CN`, voice
`cmn-latn-pinyin`) and Cantonese (`yue_Hans_CN`, voice `yue`) get Chinese number words; English (`en`) gets only
yuan amounts and ticket numbers rewritten; any other locale is returned unchanged (espeak reads digits itself).

The choices, so translators and UX staff know what they will hear:

| what | Mandarin | Cantonese (colloquial, like the project's prompts) |
|---|---|---|
| money | 十五元五角, 十五元零五分 (a clerk's formal words) | 十五蚊五毫, 十五蚊零五分 (分, not HK 仙: RMB) |
| 2 as a count | 两元, 两天, 两点; 二 in 第二, 二号, 二月, 十二 | 兩/两 the same way |
| 2 before a unit | 二百, 两千, 两万, 两亿 | 兩百, 兩千, 兩萬, 兩億 (as Cantonese speakers say) |
| 10..19 | 十, 十一; inside a number 一百一十 | the same (not 百一, which means 110) |
| 20..29 | 二十 | 二十 (not 廿: announcements use the full form) |
| time | 十点三十分, 九点零五分, 十点 (24 h, as on screen) | 十点半, 九点零五分, 十点 |
| date | 二零二四年三月五日 | 二零二四年三月五号 (日 is 號 in speech) |
| percent | 百分之五十, 百分之百 | the same |
| phone | 幺三八，零零幺三，八零零零 (call centres' 幺) | 一三八，零零一三，八零零零 |
| ticket | A零一二 (no 幺) | A零一二 |
| range | 1-5年 一到五年, 10-15元 十到十五元 (espeak is silent on "-", says "tilde" for "~") | 十到十五蚊 |
| long digit strings | 13+ digits and 18-character ID numbers digit by digit, in groups | the same |

Ticket letters stay Latin: the Mandarin voice has Chinese letter names (A -> `ei`); the Cantonese voice switches to
English for the letter, which is how Cantonese speakers say ticket letters (every Chinese spelling espeak knows,
e.g. 诶 or 埃, comes out as `aai`, the letter I). The output's script follows the locale's script tag
(`Hans` -> 点两号负万亿, `Hant` -> 點兩號負萬億), then its region (TW, HK, MO -> Hant), then the text itself.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

__all__ = ["ChineseNumbers", "MANDARIN", "CANTONESE", "numbers_for", "normalise"]

DIGITS = "零一二三四五六七八九"
SMALL_UNITS = ("千", "百", "十", "")  # positions of a four-digit group, highest first
MAX_WORDS_DIGITS = 12  # integers up to 12 digits are read as numbers; longer ones (IDs, cards) digit by digit


@dataclass(frozen=True)
class ChineseNumbers:
    """The number words of one spoken Chinese language written in one script."""

    language: Literal["cmn", "yue"]
    point: str  # 点 / 點
    liang: str  # 两 / 兩: "two" as a count
    minus: str  # 负 / 負
    wan: str  # 万 / 萬
    yi: str  # 亿 / 億
    date_day: str | None  # what a date's 日 becomes; None keeps the written 日 or 号
    yuan: str
    jiao: str
    fen: str
    half_hour: str | None  # 半 for :30, or None to say 三十分
    liang_before_hundred: bool
    phone_one: str  # 1 in phone numbers: 幺 (Mandarin call centres) or 一
    to: str = "到"

    def integer(self, n: int, *, count: bool = False) -> str:
        """0 <= n < 10**16 as words: 0 零, 10 十, 110 一百一十, 1005 一千零五, 20000 两万; count=True makes 2 两."""
        if not 0 <= n < 10**16:
            raise ValueError(f"{n} is out of range for number words")
        if n == 2 and count:
            return self.liang
        return self._words(n, leading=True)

    def _words(self, n: int, *, leading: bool) -> str:
        for unit, word in ((10**8, self.yi), (10**4, self.wan)):
            if n >= unit:
                high, rest = divmod(n, unit)
                head = self.liang if high == 2 else self._words(high, leading=leading)
                if rest == 0:
                    return head + word
                gap = DIGITS[0] if rest < unit // 10 else ""
                return head + word + gap + self._words(rest, leading=False)
        return self._group(n, leading=leading)

    def _group(self, n: int, *, leading: bool) -> str:
        """0 <= n < 10000, with the zeros of Chinese grammar: 1005 一千零五, 1050 一千零五十."""
        if n == 0:
            return DIGITS[0]
        out: list[str] = []
        started = zero_pending = False
        for digit, unit in zip(f"{n:04d}", SMALL_UNITS, strict=True):
            d = int(digit)
            if d == 0:
                zero_pending = started
                continue
            if zero_pending:
                out.append(DIGITS[0])
                zero_pending = False
            if unit == "十" and d == 1 and not started and leading:
                out.append("十")
            elif d == 2 and (unit == "千" or (unit == "百" and self.liang_before_hundred)):
                out.append(self.liang + unit)
            else:
                out.append(DIGITS[d] + unit)
            started = True
        return "".join(out)

    def digits(self, text: str, *, phone: bool = False) -> str:
        """Digit by digit: 012 零一二; a phone number's 1 is phone_one."""
        return "".join(self.phone_one if phone and c == "1" else DIGITS[int(c)] for c in text)

    def number(self, whole: str, fraction: str | None = None, *, count: bool = False) -> str:
        """A written number (ASCII digits, no sign) as words: decimals digit by digit after 点."""
        if len(whole) > 1 and whole.startswith("0"):
            words = self.digits(whole)  # a code such as 007 or 0755
        elif len(whole) > MAX_WORDS_DIGITS:
            words = "，".join(self.digits(whole[i:i + 4], phone=True) for i in range(0, len(whole), 4))
        else:
            words = self.integer(int(whole), count=count and fraction is None)
        if fraction:
            words += self.point + self.digits(fraction)
        return words

    def money(self, whole: str, fraction: str | None) -> str:
        """An amount of yuan: 15.50 十五元五角 / 十五蚊五毫; 15.05 十五元零五分; 0.5 五角."""
        if (fraction is not None and len(fraction) > 2) or len(whole.lstrip("0")) > MAX_WORDS_DIGITS:
            return self.number(whole, fraction) + self.yuan
        yuan = int(whole)
        cents = (fraction or "").ljust(2, "0")
        jiao, fen = int(cents[0]), int(cents[1])
        out = ""
        if yuan or not (jiao or fen):
            out = self.integer(yuan, count=True) + self.yuan
        if jiao:
            out += self.integer(jiao, count=True) + self.jiao
        if fen:
            out += (DIGITS[0] + DIGITS[fen] if out and not jiao else self.integer(fen, count=True)) + self.fen
        return out

    def clock(self, hour: int, minute: int, second: int) -> str:
        """24-hour time as on the screen: 10:30 十点三十分 (Mandarin) / 十点半 (Cantonese), 9:05 九点零五分."""
        out = self.integer(hour, count=True) + self.point  # 点 is also o'clock
        if minute == 30 and second == 0 and self.half_hour:
            return out + self.half_hour
        if minute or second:
            out += (DIGITS[0] + DIGITS[minute] if minute < 10 else self.integer(minute)) + "分"
        if second:
            out += (DIGITS[0] + DIGITS[second] if second < 10 else self.integer(second)) + "秒"
        return out


# The only number characters the two scripts write differently.
_SCRIPT_CHARACTERS = {"Hans": tuple("点两负万亿号"), "Hant": tuple("點兩負萬億號")}


def _vocabulary(language: Literal["cmn", "yue"], script: Literal["Hans", "Hant"]) -> ChineseNumbers:
    point, liang, minus, wan, yi, hao = _SCRIPT_CHARACTERS[script]
    if language == "cmn":
        return ChineseNumbers("cmn", point, liang, minus, wan, yi, date_day=None, yuan="元", jiao="角", fen="分",
                              half_hour=None, liang_before_hundred=False, phone_one="幺")
    return ChineseNumbers("yue", point, liang, minus, wan, yi, date_day=hao, yuan="蚊", jiao="毫", fen="分",
                          half_hour="半", liang_before_hundred=True, phone_one="一")


MANDARIN = _vocabulary("cmn", "Hans")
CANTONESE = _vocabulary("yue", "Hans")
_VOCABULARIES = {("cmn", "Hans"): MANDARIN, ("cmn", "Hant"): _vocabulary("cmn", "Hant"),
                 ("yue", "Hans"): CANTONESE, ("yue", "Hant"): _vocabulary("yue", "Hant")}

# Characters that only Traditional text has: enough to tell the script of a prompt with no script in its locale.
_TRADITIONAL_ONLY = frozenset("點兩號負萬億們個這說請護證簽辦確認機續選擇"
                              "歲時間費錢張開關門後會來對過還沒應該幫碼與為見長電話")
_TRADITIONAL_REGIONS = frozenset({"TW", "HK", "MO"})


def _language_and_script(locale: str, text: str) -> tuple[str, Literal["Hans", "Hant"]]:
    tags = [t for t in re.split(r"[-_.@]", locale.strip()) if t]
    language = tags[0].lower() if tags else ""
    rest = tags[1:]
    if language in ("zh", "cmn"):
        language = "yue" if any(t.lower() == "yue" for t in rest) else "cmn"
    script: Literal["Hans", "Hant"] | None = None
    for tag in rest:
        if tag.title() in ("Hans", "Hant"):
            script = "Hant" if tag.title() == "Hant" else "Hans"
            break
    if script is None:
        if any(t.upper() in _TRADITIONAL_REGIONS for t in rest):
            script = "Hant"
        elif any(t.upper() in ("CN", "SG") for t in rest):
            script = "Hans"
        else:
            script = "Hant" if any(c in _TRADITIONAL_ONLY for c in text) else "Hans"
    return language, script


def numbers_for(locale: str, text: str = "") -> ChineseNumbers | None:
    """The number words for a locale id such as `zh_Hans_CN` or `yue_Hans_CN`; None for a non-Chinese locale."""
    return _VOCABULARIES.get(_language_and_script(locale, text))


# --- the rules, applied in this order: each one leaves no ASCII digit in what it rewrites ------------------------

Rewrite = Callable[[re.Match[str], ChineseNumbers], str]
Rule = tuple[re.Pattern[str], Rewrite]

_FULLWIDTH_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")
_THOUSANDS = re.compile(r"(?<![0-9.,])[0-9]{1,3}(?:,[0-9]{3})+(?![0-9]|,[0-9])")
# A minus sign, not a hyphen between words or numbers.
_SIGN = r"(?:(?<![0-9A-Za-z.])(?P<sign>[-−]))?"
_AMOUNT = r"(?<![0-9.])(?P<whole>[0-9]+)(?:\.(?P<frac>[0-9]+))?"
_TIME = r"(?P<h{0}>[01]?[0-9]|2[0-4])[:：](?P<m{0}>[0-5][0-9])(?:[:：](?P<s{0}>[0-5][0-9]))?(?![0-9])"
# Words after which "2" is counted (两个, 两天, 两元) rather than named (二号, 二月, 第二).
_MEASURE_WORDS = """
    个 個 位 名 张 張 次 天 年 岁 歲 周 週 星期 分钟 分鐘 小时 小時 钟头 鐘頭 件 本 份 块 塊 元 角 毛 蚊 毫
    步 项 項 类 類 种 種 条 條 人 倍 间 間 台 部 页 頁 套 双 雙 对 對 米 公里 斤 公斤 千克 杯 碗 点 點
    遍 趟 回 下 秒 只 隻 架 粒 句 支 把 口 声 聲 层楼 層樓
""".split()
_COUNTED = re.compile(r"\s*(?:" + "|".join(sorted(map(re.escape, _MEASURE_WORDS), key=len, reverse=True)) + r")"
                      r"(?!级|級)")


def _sign(m: re.Match[str], words: ChineseNumbers) -> str:
    return words.minus if m.groupdict().get("sign") else ""


def _counted(m: re.Match[str]) -> bool:
    """Is the number just matched a count of something (two days), not a name (day two)?"""
    before = m.string[max(0, m.start() - 2):m.start()].rstrip()
    return not before.endswith("第") and _COUNTED.match(m.string, m.end()) is not None


def _grouped(words: ChineseNumbers, *groups: str) -> str:
    return "，".join(words.digits(g, phone=True) for g in groups)


def _mobile(m: re.Match[str], w: ChineseNumbers) -> str:
    return _grouped(w, m["a"], m["b"], m["c"])


def _landline(m: re.Match[str], w: ChineseNumbers) -> str:
    local = m["local"]
    split = len(local) - 4
    return _grouped(w, m["area"], local[:split], local[split:])


def _id_number(m: re.Match[str], w: ChineseNumbers) -> str:
    text = m[0]  # region, birth date, serial and check character (X stays a letter)
    return _grouped(w, text[:6], text[6:14], text[14:17]) + text[17:]


def _hotline(m: re.Match[str], w: ChineseNumbers) -> str:
    return m["lead"] + m["gap"] + w.digits(m["number"], phone=True) + m["tail"]


def _ticket(m: re.Match[str], w: ChineseNumbers) -> str:
    return "-".join(m["letters"]) + w.digits(m["digits"])


def _iso_date(m: re.Match[str], w: ChineseNumbers) -> str:
    day = w.date_day or "日"
    return w.digits(m["y"]) + "年" + w.integer(int(m["mo"])) + "月" + w.integer(int(m["d"])) + day


def _year(m: re.Match[str], w: ChineseNumbers) -> str:
    if m["y2"] is None:
        return w.digits(m["y"]) + "年"
    to = m["sep"] if m["sep"] in ("到", "至") else w.to
    return w.digits(m["y"]) + to + w.digits(m["y2"]) + "年"


def _year_month(m: re.Match[str], w: ChineseNumbers) -> str:
    return w.digits(m["y"]) + "年" + w.integer(int(m["mo"])) + "月"


def _month(m: re.Match[str], w: ChineseNumbers) -> str:
    return w.integer(int(m["mo"])) + "月"


def _day(m: re.Match[str], w: ChineseNumbers) -> str:
    return w.integer(int(m["d"])) + (w.date_day or m["unit"])


def _time(m: re.Match[str], w: ChineseNumbers) -> str:
    def one(i: str) -> str:
        return w.clock(int(m["h" + i]), int(m["m" + i]), int(m["s" + i] or 0))

    return one("1") + (w.to + one("2") if m["h2"] else "")


def _money(m: re.Match[str], w: ChineseNumbers) -> str:
    return _sign(m, w) + w.money(m["whole"], m["frac"])


def _per(unit: str, whole: str, frac: str | None, w: ChineseNumbers) -> str:
    if unit == "‰":
        return "千分之" + w.number(whole, frac)
    return "百分之" + ("百" if whole == "100" and not frac else w.number(whole, frac))


def _percent(m: re.Match[str], w: ChineseNumbers) -> str:
    return _sign(m, w) + _per(m["unit"], m["whole"], m["frac"], w)


def _range(m: re.Match[str], w: ChineseNumbers) -> str:
    """1-5年 一到五年, 10-15元 十到十五元, 10-20% 百分之十到百分之二十: a dash is silent to espeak."""
    unit = (m["unit"] or "").strip()
    if unit == "元":
        first = w.money(m["a"], m["af"]) if m["af"] else w.number(m["a"])
        return first + w.to + w.money(m["b"], m["bf"])
    if unit:
        return _per(unit, m["a"], m["af"], w) + w.to + _per(unit, m["b"], m["bf"], w)
    return w.number(m["a"], m["af"]) + w.to + w.number(m["b"], m["bf"], count=_counted(m))


def _to(m: re.Match[str], w: ChineseNumbers) -> str:
    return w.to


def _plain(m: re.Match[str], w: ChineseNumbers) -> str:
    return _sign(m, w) + w.number(m["whole"], m["frac"], count=_counted(m))


_CHINESE_RULES: tuple[Rule, ...] = (
    # espeak says "tilde" for ~: next to a number it means 到.
    (re.compile(r"\s*[~～]\s*(?=[-−]?[0-9])|(?<=[0-9])\s*[~～]\s*"), _to),
    # Phone numbers first: their digits are names, not amounts.
    (re.compile(r"(?<![0-9])(?P<a>1[3-9][0-9])[- ]?(?P<b>[0-9]{4})[- ]?(?P<c>[0-9]{4})(?![0-9])"), _mobile),
    (re.compile(r"(?<![0-9])(?P<area>0[0-9]{2,3})[- ](?P<local>[0-9]{7,8})(?![0-9])"), _landline),
    (re.compile(r"(?<![0-9])(?P<a>[48]00)-?(?P<b>[0-9]{3})-?(?P<c>[0-9]{4})(?![0-9])"), _mobile),
    (re.compile(r"(?<![0-9])[0-9]{17}[0-9Xx](?![0-9A-Za-z])"), _id_number),
    (re.compile(r"(?P<lead>拨打|撥打|致电|致電|热线|熱線|电话|電話|号码|號碼|请打|請打|报警|報警)(?P<gap>[:：]?\s*)"
                r"(?P<number>[0-9]{3,8})(?![0-9.])(?P<tail>)"), _hotline),
    (re.compile(r"(?P<lead>)(?P<gap>)(?<![0-9.])(?P<number>[0-9]{3,8})(?P<tail>\s*(?:服务)?(?:热线|熱線))"), _hotline),
    (re.compile(r"(?<![A-Za-z0-9])(?P<letters>[A-Z]{1,2})(?P<digits>[0-9]{2,7})(?![0-9])"), _ticket),
    # Dates before years, years before months, months before days, all before plain numbers.
    (re.compile(r"(?<![0-9.\-/])(?P<y>[12][0-9]{3})(?P<sep>[-/.])(?P<mo>1[0-2]|0?[1-9])(?P=sep)"
                r"(?P<d>3[01]|[12][0-9]|0?[1-9])(?![0-9]|[-/.][0-9])"), _iso_date),
    (re.compile(r"(?<![0-9.-])(?P<y>[12][0-9]{3})[-/](?P<mo>1[0-2]|0?[1-9])(?![0-9]|[-/.][0-9])"), _year_month),
    (re.compile(r"(?<![0-9.])(?P<y>[12][0-9]{3})(?:\s*(?P<sep>[-–—~～到至])\s*(?P<y2>[12][0-9]{3}))?\s*年"), _year),
    (re.compile(r"(?<![0-9.])(?P<mo>1[0-2]|0?[1-9])\s*月"), _month),
    (re.compile(r"(?<=月)\s*(?P<d>3[01]|[12][0-9]|0?[1-9])\s*(?P<unit>[日号號])"), _day),
    (re.compile(r"(?<![0-9.:：])" + _TIME.format("1") + r"(?:\s*[-–—~～至到]\s*" + _TIME.format("2") + ")?"), _time),
    (re.compile(r"(?<![0-9.])(?P<a>[0-9]+)(?:\.(?P<af>[0-9]+))?\s*[-–—~～]\s*(?P<b>[0-9]+)(?:\.(?P<bf>[0-9]+))?"
                r"(?![0-9.])(?P<unit>\s*(?:元|[%％‰]))?"), _range),
    (re.compile(_SIGN + r"(?:[¥￥]\s*)+" + _AMOUNT + r"(?:\s*元)?"), _money),
    (re.compile(_SIGN + _AMOUNT + r"\s*元"), _money),
    (re.compile(_SIGN + _AMOUNT + r"\s*(?P<unit>[%％‰])"), _percent),
    (re.compile(_SIGN + r"(?<![0-9])(?P<whole>[0-9]+)(?:\.(?P<frac>[0-9]+))?"), _plain),
)


def _bound(rewrite: Rewrite, words: ChineseNumbers) -> Callable[[re.Match[str]], str]:
    return lambda m: rewrite(m, words)


def _apply(rules: tuple[Rule, ...], text: str, words: ChineseNumbers) -> str:
    for pattern, rewrite in rules:
        text = pattern.sub(_bound(rewrite, words), text)
    return text


# --- English: espeak reads numbers itself; it only needs yuan and ticket numbers ----------------------------------

def _english_money(m: re.Match[str]) -> str:
    sign = "-" if m.groupdict().get("sign") else ""
    whole, frac = m["whole"], m["frac"]
    if frac is None or len(frac) > 2:
        return f"{sign}{whole}{'.' + frac if frac else ''} yuan"
    fen = int(frac.ljust(2, "0"))
    if int(whole) == 0 and fen:
        return f"{sign}{fen} fen"
    return f"{sign}{int(whole)} yuan" + (f" {fen} fen" if fen else "")


_ENGLISH_RULES: tuple[tuple[re.Pattern[str], Callable[[re.Match[str]], str]], ...] = (
    (re.compile(_SIGN + r"(?:[¥￥]\s*)+" + _AMOUNT + r"(?:\s*元)?"), _english_money),
    (re.compile(_SIGN + _AMOUNT + r"\s*元"), _english_money),
    # "A012" is "A twelve" to espeak; "A0 1 2" is "A zero one two".
    (re.compile(r"(?<![A-Za-z0-9])(?P<letters>[A-Z]{1,2})(?P<digits>[0-9]{2,7})(?![0-9])"),
     lambda m: "-".join(m["letters"]) + " ".join(m["digits"])),
)


def normalise(text: str, locale: str) -> str:
    """The text as espeak-ng should read it in this locale: for Chinese, no ASCII digit is left."""
    words = numbers_for(locale, text)
    if words is not None:
        return _apply(_CHINESE_RULES, _THOUSANDS.sub(lambda m: m[0].replace(",", ""),
                                                     text.translate(_FULLWIDTH_DIGITS)), words)
    if _language_and_script(locale, text)[0] == "en":
        for pattern, rewrite in _ENGLISH_RULES:
            text = pattern.sub(rewrite, text)
    return text

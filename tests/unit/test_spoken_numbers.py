"""Spoken numbers: prices, dates, times, tickets and phone numbers as words espeak-ng reads right, per locale."""

from __future__ import annotations

import re
import shutil
import subprocess
from decimal import Decimal

import pytest
from hypothesis import assume, example, given, settings
from hypothesis import strategies as st

from seniormode.core.spoken_numbers import CANTONESE, MANDARIN, ChineseNumbers, normalise, numbers_for

pytestmark = pytest.mark.unit

ZH, YUE = "zh_Hans_CN", "yue_Hans_CN"
ASCII_DIGIT = re.compile(r"[0-9]")
DIGIT_CHARS = "0123456789０１２３４５６７８９"


# --- a reverse parser, written independently of the module: Chinese numerals back to numbers ----------------------

CN_DIGITS = {c: i for i, c in enumerate("零一二三四五六七八九")} | {"两": 2, "兩": 2, "幺": 1}
CN_SMALL_UNITS = {"十": 10, "百": 100, "千": 1000}
CN_BIG_UNITS = (("亿", 10**8), ("億", 10**8), ("万", 10**4), ("萬", 10**4))


def parse_group(words: str) -> int:
    """Below 10000: 一千零五, 十一, 两百."""
    total, digit = 0, None
    for ch in words:
        if ch in CN_DIGITS:
            digit = CN_DIGITS[ch]
        elif ch in CN_SMALL_UNITS:
            total += (1 if digit is None else digit) * CN_SMALL_UNITS[ch]
            digit = None
        else:
            raise ValueError(f"not a numeral: {ch!r} in {words!r}")
    return total + (digit or 0)


def parse_chinese(words: str) -> int | float:
    """Chinese number words to a number: 负, 点 and 万/亿 at any depth (一万亿, 十二万三千亿)."""
    for minus in "负負":
        if words.startswith(minus):
            return -parse_chinese(words[1:])
    for point in "点點":
        if point in words:
            whole, fraction = words.split(point)
            return float(f"{parse_chinese(whole)}.{''.join(str(CN_DIGITS[c]) for c in fraction)}")
    for unit, value in CN_BIG_UNITS:
        high, found, low = words.rpartition(unit)
        if found:
            return int(parse_chinese(high)) * value + int(parse_chinese(low.lstrip("零") or "零"))
    return parse_group(words)


def test_the_reverse_parser_itself() -> None:
    assert parse_chinese("十二万三千四百五十六亿七千八百九十万一千二百三十四") == 12_3456_7890_1234
    assert parse_chinese("一万亿") == 10**12
    assert parse_chinese("负三点一四") == -3.14
    assert parse_chinese("两千零二十") == 2020


# --- number grammar ------------------------------------------------------------------------------------------------

INTEGERS = [
    (0, "零", "零"),
    (1, "一", "一"),
    (2, "二", "二"),
    (10, "十", "十"),
    (11, "十一", "十一"),
    (20, "二十", "二十"),
    (25, "二十五", "二十五"),
    (101, "一百零一", "一百零一"),
    (110, "一百一十", "一百一十"),
    (200, "二百", "两百"),
    (1000, "一千", "一千"),
    (1005, "一千零五", "一千零五"),
    (1050, "一千零五十", "一千零五十"),
    (2222, "两千二百二十二", "两千两百二十二"),
    (10000, "一万", "一万"),
    (10010, "一万零一十", "一万零一十"),
    (20000, "两万", "两万"),
    (20002, "两万零二", "两万零二"),
    (100000, "十万", "十万"),
    (120000, "十二万", "十二万"),
    (1005000, "一百万五千", "一百万五千"),
    (20000000, "两千万", "两千万"),
    (100000000, "一亿", "一亿"),
    (100010000, "一亿零一万", "一亿零一万"),
    (100100000, "一亿零一十万", "一亿零一十万"),
    (200000000, "两亿", "两亿"),
    (10**12, "一万亿", "一万亿"),
]


@pytest.mark.parametrize(("n", "zh", "yue"), INTEGERS)
def test_integers_follow_chinese_grammar(n: int, zh: str, yue: str) -> None:
    assert MANDARIN.integer(n) == zh
    assert CANTONESE.integer(n) == yue


def test_two_as_a_count_is_liang() -> None:
    assert MANDARIN.integer(2, count=True) == "两"
    assert MANDARIN.integer(12, count=True) == "十二"
    traditional = numbers_for("yue_Hant_HK")
    assert traditional is not None and traditional.integer(2, count=True) == "兩"
    assert numbers_for("en") is None


def test_out_of_range_integers_are_refused() -> None:
    with pytest.raises(ValueError):
        MANDARIN.integer(-1)
    with pytest.raises(ValueError):
        MANDARIN.integer(10**16)


# --- normalise: one row per case, Mandarin and Cantonese -----------------------------------------------------------

CASES = [
    # money: a clerk's 元角分 in Mandarin, colloquial 蚊毫分 in Cantonese
    ("¥15", "十五元", "十五蚊"),
    ("￥15", "十五元", "十五蚊"),
    ("15元", "十五元", "十五蚊"),
    ("确认付款 15 元？", "确认付款 十五元？", "确认付款 十五蚊？"),
    ("15.50元", "十五元五角", "十五蚊五毫"),
    ("¥15.50", "十五元五角", "十五蚊五毫"),
    ("¥15元", "十五元", "十五蚊"),
    ("15.05元", "十五元零五分", "十五蚊零五分"),
    ("15.55元", "十五元五角五分", "十五蚊五毫五分"),
    ("0.50元", "五角", "五毫"),
    ("0.05元", "五分", "五分"),
    ("0元", "零元", "零蚊"),
    ("2元", "两元", "两蚊"),
    ("2.20元", "两元两角", "两蚊两毫"),
    ("15.00元", "十五元", "十五蚊"),
    ("1,234.50元", "一千二百三十四元五角", "一千两百三十四蚊五毫"),
    ("20000元", "两万元", "两万蚊"),
    ("1.234元", "一点二三四元", "一点二三四蚊"),
    ("１５元", "十五元", "十五蚊"),
    # years digit by digit; dates; Cantonese says 号 for a date's 日
    ("2024年", "二零二四年", "二零二四年"),
    ("1958年出生", "一九五八年出生", "一九五八年出生"),
    ("2024年3月5日", "二零二四年三月五日", "二零二四年三月五号"),
    ("2024年12月25日", "二零二四年十二月二十五日", "二零二四年十二月二十五号"),
    ("2024-03-05", "二零二四年三月五日", "二零二四年三月五号"),
    ("2024/3/5", "二零二四年三月五日", "二零二四年三月五号"),
    ("3月5日", "三月五日", "三月五号"),
    ("3月5号", "三月五号", "三月五号"),
    ("2月", "二月", "二月"),
    ("11月", "十一月", "十一月"),
    ("3个月", "三个月", "三个月"),
    # times: 24 h as on screen; Cantonese says 半 for :30
    ("10:30", "十点三十分", "十点半"),
    ("9:05", "九点零五分", "九点零五分"),
    ("10:00", "十点", "十点"),
    ("10:15", "十点十五分", "十点十五分"),
    ("2:00", "两点", "两点"),
    ("12:00", "十二点", "十二点"),
    ("14:30", "十四点三十分", "十四点半"),
    ("10：30", "十点三十分", "十点半"),
    ("10:30:15", "十点三十分十五秒", "十点三十分十五秒"),
    ("9:00-17:00", "九点到十七点", "九点到十七点"),
    # percentages
    ("50%", "百分之五十", "百分之五十"),
    ("50％", "百分之五十", "百分之五十"),
    ("2%", "百分之二", "百分之二"),
    ("12.5%", "百分之十二点五", "百分之十二点五"),
    ("100%", "百分之百", "百分之百"),
    ("-5%", "负百分之五", "负百分之五"),
    ("5‰", "千分之五", "千分之五"),
    # plain numbers, negatives and decimals
    ("0", "零", "零"),
    ("10", "十", "十"),
    ("110", "一百一十", "一百一十"),
    ("1005", "一千零五", "一千零五"),
    ("-5", "负五", "负五"),
    ("温度-5度", "温度负五度", "温度负五度"),
    ("3.14", "三点一四", "三点一四"),
    ("0.5", "零点五", "零点五"),
    ("2.5", "二点五", "二点五"),
    ("10.05", "十点零五", "十点零五"),
    ("007", "零零七", "零零七"),
    # steps, counts, window numbers, durations, ranges
    ("第3步", "第三步", "第三步"),
    ("第2步", "第二步", "第二步"),
    ("共11步", "共十一步", "共十一步"),
    ("共2步", "共两步", "共两步"),
    ("3号窗口", "三号窗口", "三号窗口"),
    ("2号窗口", "二号窗口", "二号窗口"),
    ("30天", "三十天", "三十天"),
    ("2天", "两天", "两天"),
    ("2个人", "两个人", "两个人"),
    ("按2下", "按两下", "按两下"),
    ("2年级", "二年级", "二年级"),
    ("1到5年", "一到五年", "一到五年"),
    ("1到2年", "一到两年", "一到两年"),
    ("1 到 5 之间", "一 到 五 之间", "一 到 五 之间"),
    ("1-5年", "一到五年", "一到五年"),
    ("1~2天", "一到两天", "一到两天"),
    ("10-15元", "十到十五元", "十到十五蚊"),
    ("1000-2000元", "一千到两千元", "一千到两千蚊"),
    ("9.5-10.5元", "九元五角到十元五角", "九蚊五毫到十蚊五毫"),
    ("10-20%", "百分之十到百分之二十", "百分之十到百分之二十"),
    ("10%~20%", "百分之十到百分之二十", "百分之十到百分之二十"),
    ("2020-2024年", "二零二零到二零二四年", "二零二零到二零二四年"),
    ("2024-03", "二零二四年三月", "二零二四年三月"),
    ("3月5日~3月10日", "三月五日到三月十日", "三月五号到三月十号"),
    ("-3~5度", "负三到五度", "负三到五度"),
    # tickets: the letter stays (espeak names it), then digits one by one
    ("A012", "A零一二", "A零一二"),
    ("G001", "G零零一", "G零零一"),
    ("请A012号到3号窗口", "请A零一二号到三号窗口", "请A零一二号到三号窗口"),
    ("A4纸", "A四纸", "A四纸"),
    # phone numbers and hotlines digit by digit, in groups; Mandarin call centres' 幺
    ("13800138000", "幺三八，零零幺三，八零零零", "一三八，零零一三，八零零零"),
    ("138-0013-8000", "幺三八，零零幺三，八零零零", "一三八，零零一三，八零零零"),
    ("020-12345678", "零二零，幺二三四，五六七八", "零二零，一二三四，五六七八"),
    ("400-123-4567", "四零零，幺二三，四五六七", "四零零，一二三，四五六七"),
    ("请拨打12367", "请拨打幺二三六七", "请拨打一二三六七"),
    ("报警请打110", "报警请打幺幺零", "报警请打一一零"),
    ("12367热线", "幺二三六七热线", "一二三六七热线"),
    ("44010619580101123X", "四四零幺零六，幺九五八零幺零幺，幺二三X", "四四零一零六，一九五八零一零一，一二三X"),
    # the demo flows' own words
    ("手机号要 11 位数字，以 1 开头", "手机号要 十一 位数字，以 一 开头", "手机号要 十一 位数字，以 一 开头"),
    ("每次最多住 30 天", "每次最多住 三十 天", "每次最多住 三十 天"),
]


@pytest.mark.parametrize(("text", "zh", "yue"), CASES)
def test_normalise_per_locale(text: str, zh: str, yue: str) -> None:
    assert normalise(text, ZH) == zh
    assert normalise(text, YUE) == yue


@pytest.mark.parametrize(("text", "expected"), [
    ("15.50元", "十五蚊五毫"),
    ("10:30", "十點半"),
    ("2024年3月5日", "二零二四年三月五號"),
    ("20000", "兩萬"),
    ("-3.5", "負三點五"),
    ("3號窗口", "三號窗口"),
])
def test_traditional_cantonese_keeps_its_script(text: str, expected: str) -> None:
    assert normalise(text, "yue_Hant_HK") == expected


@pytest.mark.parametrize(("locale", "text", "expected"), [
    ("zh_Hans_CN", "20000", "两万"),
    ("zh-CN", "20000", "两万"),
    ("cmn", "20000", "两万"),
    ("zh_Hant_TW", "20000", "兩萬"),
    ("zh_TW", "3.5", "三點五"),
    ("yue", "請付15元", "請付十五蚊"),  # no script in the locale: the text decides
    ("yue", "请付15元", "请付十五蚊"),
    ("yue_Hans_CN", "請付15.5元", "請付十五蚊五毫"),  # the locale's script tag wins
    ("zh-yue", "10:30", "十点半"),
])
def test_locale_ids_and_scripts(locale: str, text: str, expected: str) -> None:
    assert normalise(text, locale) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("Please pay ¥15.50", "Please pay 15 yuan 50 fen"),
    ("Pay 15 元 now", "Pay 15 yuan now"),
    ("¥0.50", "50 fen"),
    ("Ticket A012, window 3 at 10:30, 50% off", "Ticket A0 1 2, window 3 at 10:30, 50% off"),
    ("Call 13800138000", "Call 13800138000"),
])
def test_english_gets_only_yuan_and_tickets(text: str, expected: str) -> None:
    assert normalise(text, "en") == expected


def test_other_languages_are_unchanged() -> None:
    assert normalise("¥15 à 10:30", "fr") == "¥15 à 10:30"


# --- properties ----------------------------------------------------------------------------------------------------

def _structurally_sound(words: str, n: int, numbers: ChineseNumbers) -> None:
    assert "零零" not in words
    assert n == 0 or not words.endswith("零")
    assert not words.startswith("一十")
    allowed_after_liang = "千万亿" + ("百" if numbers.liang_before_hundred else "")
    assert all(words[i + 1:i + 2] in tuple(allowed_after_liang) for i, c in enumerate(words) if c == "两")


@pytest.mark.property
@given(st.integers(min_value=0, max_value=10**12))
@example(10**12)
@example(2_0002_0002)
def test_mandarin_words_parse_back(n: int) -> None:
    words = MANDARIN.integer(n)
    assert parse_chinese(words) == n
    _structurally_sound(words, n, MANDARIN)


@pytest.mark.property
@given(st.integers(min_value=0, max_value=10**12))
@example(10**12)
@example(2_0002_0002)
def test_cantonese_words_parse_back(n: int) -> None:
    words = CANTONESE.integer(n)
    assert parse_chinese(words) == n
    _structurally_sound(words, n, CANTONESE)


@pytest.mark.property
@given(st.integers(min_value=-(10**12) + 1, max_value=10**12 - 1), st.sampled_from([ZH, YUE]))
def test_normalised_integers_parse_back(n: int, locale: str) -> None:
    text = str(n)
    # An 11-digit number starting 13..19 is a mobile phone, 400/800 and 10 digits a service line: read digit by digit.
    assume(not re.fullmatch(r"-?(1[3-9][0-9]{9}|[48]00[0-9]{7})", text))
    assert parse_chinese(normalise(text, locale)) == n


@pytest.mark.property
@given(st.decimals(min_value=-(10**6), max_value=10**6, places=3, allow_nan=False, allow_infinity=False),
       st.sampled_from([ZH, YUE]))
def test_normalised_decimals_parse_back(value: Decimal, locale: str) -> None:
    text = str(value)
    assume("E" not in text)
    assert parse_chinese(normalise(text, locale)) == pytest.approx(float(text))


# Text that looks like prompts: digits among the characters the rules look for.
PROMPTISH = st.text(alphabet=DIGIT_CHARS + "..::：-~%％‰¥￥元年月日号號第共个天步点AGXx ,，+−/请付款窗口到之间热线拨打",
                    max_size=40)


@pytest.mark.property
@settings(max_examples=300)
@given(st.one_of(st.text(max_size=60), PROMPTISH), st.sampled_from([ZH, YUE, "yue_Hant_HK", "yue", "zh"]))
def test_chinese_output_has_no_ascii_digit(text: str, locale: str) -> None:
    assert not ASCII_DIGIT.search(normalise(text, locale))


@pytest.mark.property
@given(st.text(max_size=60).filter(lambda t: not any(c in DIGIT_CHARS for c in t)),
       st.sampled_from([ZH, YUE, "en", "yue_Hant_HK"]))
def test_text_without_digits_is_unchanged(text: str, locale: str) -> None:
    assert normalise(text, locale) == text


@pytest.mark.property
@settings(max_examples=300)
@given(st.one_of(st.text(max_size=60), PROMPTISH), st.sampled_from([ZH, YUE, "en", "yue_Hant_HK"]))
def test_normalise_is_idempotent(text: str, locale: str) -> None:
    once = normalise(text, locale)
    assert normalise(once, locale) == once


@pytest.mark.property
@given(st.text(), st.text(max_size=20))
def test_random_text_and_locales_never_raise(text: str, locale: str) -> None:
    assert isinstance(normalise(text, locale), str)


# --- the real espeak-ng --------------------------------------------------------------------------------------------

VOICES = {ZH: "cmn-latn-pinyin", YUE: "yue"}
ESPEAK = shutil.which("espeak-ng")


def phonemes(text: str, voice: str) -> str:
    assert ESPEAK is not None
    proc = subprocess.run([ESPEAK, "-v", voice, "-x", "-q", text], capture_output=True, text=True, timeout=30,
                          check=True)
    return proc.stdout


def bare(phoneme_text: str) -> str:
    """Phonemes without stress, tone numbers and word breaks, so tone sandhi and word grouping do not matter."""
    return re.sub(r"[\s'_|,0-9]", "", phoneme_text)


# (prompt, the number words the normaliser must produce in it, per locale)
SPOKEN = [
    ("请付款¥15.50", {ZH: "十五元五角", YUE: "十五蚊五毫"}),
    ("办公时间9:05-17:30", {ZH: "九点零五分到十七点三十分", YUE: "九点零五分到十七点半"}),
    ("请拨打13800138000", {ZH: "幺三八零零幺三八零零零", YUE: "一三八零零一三八零零零"}),
    ("2024年3月5日", {ZH: "二零二四年三月五日", YUE: "二零二四年三月五号"}),
    ("请A012号到3号窗口", {ZH: "零一二号到三号窗口", YUE: "零一二号到三号窗口"}),
]


@pytest.mark.voice
@pytest.mark.parametrize("locale", [ZH, YUE])
@pytest.mark.parametrize(("prompt", "words"), SPOKEN, ids=[p for p, _ in SPOKEN])
def test_espeak_reads_normalised_prompts_as_chinese(prompt: str, words: dict[str, str], locale: str) -> None:
    voice = VOICES[locale]
    spoken = normalise(prompt, locale)
    heard = phonemes(spoken, voice)
    english = re.findall(r"\(en\)(.*?)\((?:yue|cmn)\)", heard)
    if locale == YUE and "A" in spoken:
        # The Cantonese voice names the ticket letter in English, as Cantonese speakers do; nothing else is English.
        assert len(english) == 1 and bare(english[0]) == "eI", heard
    else:
        assert "(en)" not in heard, heard
    # Every number word comes out as its own Chinese syllables, in order.
    expected = "".join(bare(phonemes(ch, voice)) for ch in words[locale])
    assert expected in bare(heard), (spoken, heard)


@pytest.mark.voice
def test_espeak_misreads_the_raw_text_that_is_why_we_normalise() -> None:
    assert bare(phonemes("A012", "yue")) != bare(phonemes("A零一二", "yue"))  # espeak says 零十二
    assert bare(phonemes("15.50元", "cmn-latn-pinyin")) != bare(phonemes("十五元五角", "cmn-latn-pinyin"))
    assert bare(phonemes("10:30", "yue")) != bare(phonemes("十点半", "yue"))

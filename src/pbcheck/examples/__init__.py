"""The bundled example: 江城市直机关 (an invented city) in the cross-year cycle.

An invented city with the conventions a 市直机关工委 works with; which part
comes from where:

* **From the Nanping article** (关于进一步完善机关党建工作责任制的思考): the
  shape — regular party-building work 70 points, serving development and
  effective duty performance (服务发展、有效履职) 30 points, up to 10 bonus
  points (奖励分); 精神文明建设 and 工青妇 (群团) work as parts; 创业竞赛,
  挂村服务 and 主题实践 in the 30-point block; the methods it describes
  (书记述职 and 民主测评 since 2006) or proposes (明察暗访, 电子台账); three
  series and eight liaison groups; two responsible persons per letter; two
  years at the bottom escalated.
* **From the 2008 target letter**: the quantitative targets reused here —
  at least 8 education films a year (its figure for 机关 party
  organisations), new members ≥75% under 35, ≥45% college, 30% women.  Its
  monthly 党员活动日 is a village (社区) rule; the monthly 主题党日 here is
  the rubric's own, modelled on it.
* **From the regulations**: 政治建设 first and the order 政治、思想、组织、
  作风、纪律建设, as the 2019 机关基层组织工作条例 orders them; the
  frequencies of 支部党员大会 (quarterly), 支部委员会 (monthly) and 党小组会
  (monthly) and the yearly 组织生活会, as the 2018 支部工作条例 sets them.
* **Invented for the example** (the rubric's own rules, not regulations):
  党课每季度至少1次, every point value, the series-specific indicators
  (个性指标), the deductions and the veto, the 民主测评 ballot values, the
  units, people and every record.

Functions:

* :func:`example_rubrics` — the season's :class:`~pbcheck.RubricSet`
  (分类考核): one template rubric whose slot ``B3`` (履职服务, 15 points)
  is filled with each series' own indicators, so every unit is ranked
  under one rubric id.
* :func:`example_rubric` — one series' rubric (the template with that
  series' indicators), for tools that take a single rubric.
* :func:`example_tree` — the working committee and 86 directly subordinate
  party organisations in three series and eight liaison groups.
* :func:`example_cycle` — the cross-year cycle (May N to April N+1).
* :func:`example_evaluations` — one season of records for every unit
  (assessment-team scores, 民主测评 ballots, 明察暗访 findings, department
  appraisal, measured ratios, dated 三会一课 meetings, 合理缺项, incidents),
  for 2024 and 2025.
* :func:`example_policy` — the outcome policy of the example: 市纪委监委机关
  is assessed but, as the rubric says, not publicly ranked.

Everything is generated deterministically: the same year always gives the
same records, whatever the machine or hash seed.

>>> tree = example_tree()
>>> len(tree) - 1, len(example_rubric().indicators())
(86, 60)
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from fractions import Fraction

from pbcheck.model.aggregation import TrimmedMean
from pbcheck.model.cycle import AssessmentCycle
from pbcheck.model.evaluation import (
    Activity,
    Evaluation,
    Evidence,
    Incident,
    NotApplicable,
    Observation,
    Source,
)
from pbcheck.model.frequency import Frequency
from pbcheck.model.org import (
    SERIES_GOVERNMENT,
    SERIES_PARTY_MASS,
    SERIES_VERTICAL,
    OrgTree,
    OrgUnit,
    ResponsiblePerson,
    Role,
    UnitKind,
)
from pbcheck.model.rubric import (
    BonusPool,
    Deduction,
    Indicator,
    NotApplicablePolicy,
    Rubric,
    Section,
    Veto,
)
from pbcheck.model.rubric_set import RubricSet
from pbcheck.model.rules import (
    CountAtLeast,
    DeductionPerOccurrence,
    DirectScore,
    PassFail,
    PointsPerOccurrence,
    RatioToTarget,
    Tiers,
    ValueRule,
)
from pbcheck.outcomes.ranking import RankingPolicy
from pbcheck.outcomes.season import OutcomePolicy

__all__ = [
    "EXAMPLE_YEARS",
    "example_cycle",
    "example_evaluations",
    "example_policy",
    "example_rubric",
    "example_rubrics",
    "example_tree",
]

#: The cycles for which example evaluations exist.
EXAMPLE_YEARS = (2024, 2025)

_R = "直评"  # DirectScore
_P = "达标"  # PassFail

_REG_2018 = "频次依据《中国共产党支部工作条例（试行）》（2018年）"
_OWN = "本细则的要求，不是条例的规定"
_LETTER_2008 = "目标值取自2008年党建工作目标责任状"
_BALLOTS = (
    "民主测评：每票好3分、较好2.4分、一般1.5分、差0分，去掉一个最高分、一个最低分后平均"
)

# (part id, title, points, [(item title, [(standard title, points, rule, note)])])
# A rule is _R, _P, or a rule object; the note becomes the description.
_Standard = tuple[str, str, object, str]
_PARTS: list[tuple[str, str, int, list[tuple[str, list[_Standard]]]]] = [
    (
        "A1",
        "政治建设",
        12,
        [
            (
                "落实全面从严治党主体责任",
                [
                    (
                        "党组（党委）每年专题研究机关党建工作不少于2次",
                        "2",
                        CountAtLeast(2),
                        "",
                    ),
                    ("签订党建工作责任书并逐级分解", "1", _P, ""),
                    ("党组织书记抓党建工作述职评议", "2", _R, ""),
                ],
            ),
            (
                "严肃党内政治生活",
                [
                    ("领导班子民主生活会会前准备与问题整改", "2", _R, ""),
                    ("民主评议党员", "1", _P, ""),
                    ("请示报告制度落实", "1", _R, ""),
                ],
            ),
            (
                "民主测评",
                [("党员和服务对象民主测评", "3", "测评", _BALLOTS)],
            ),
        ],
    ),
    (
        "A2",
        "思想建设",
        10,
        [
            (
                "理论学习",
                [
                    (
                        "党组理论学习中心组学习每年不少于12次",
                        "1.5",
                        CountAtLeast(12, partial=True),
                        "",
                    ),
                    ("党员学习笔记规范完整", "1", _R, ""),
                    (
                        "每年组织观看电教片不少于8部",
                        "2",
                        Tiers([(4, 1), (6, "1.5"), (8, 2)]),
                        _LETTER_2008,
                    ),
                ],
            ),
            (
                "意识形态工作",
                [
                    ("意识形态工作责任制落实", "2", _R, ""),
                    ("网站、新媒体和宣传阵地管理", "1.5", _R, ""),
                ],
            ),
            (
                "宣传思想工作",
                [
                    ("党建信息报送", "1", PointsPerOccurrence(per="0.25"), ""),
                    ("谈心谈话制度落实", "1", _R, ""),
                ],
            ),
        ],
    ),
    (
        "A3",
        "组织建设",
        18,
        [
            (
                "“三会一课”",
                [
                    (
                        "支部党员大会每季度至少1次",
                        "1.5",
                        Frequency(per="quarter"),
                        _REG_2018,
                    ),
                    (
                        "支部委员会会议每月至少1次",
                        "2",
                        Frequency(per="month"),
                        _REG_2018,
                    ),
                    ("党小组会每月至少1次", "1.5", Frequency(per="month"), _REG_2018),
                    ("党课每季度至少1次", "1.5", Frequency(per="quarter"), _OWN),
                ],
            ),
            (
                "组织生活",
                [
                    (
                        "每月开展主题党日活动",
                        "1.5",
                        Frequency(per="month"),
                        "本细则的要求，仿照2008年党建工作目标责任状对村（社区）党组织每月开展“党员活动日”的要求",
                    ),
                    (
                        "组织生活会每年至少1次",
                        "1",
                        Frequency(per="cycle", scoring="all_or_nothing"),
                        _REG_2018,
                    ),
                ],
            ),
            (
                "班子和队伍建设",
                [
                    ("党组织按期换届", "1.5", _P, ""),
                    ("党务干部配备与培训", "1.5", _R, ""),
                ],
            ),
            (
                "党员发展和管理",
                [
                    (
                        "新发展党员35岁以下比例≥75%",
                        "1",
                        RatioToTarget(target=75),
                        _LETTER_2008,
                    ),
                    (
                        "新发展党员大专以上学历比例≥45%",
                        "1",
                        RatioToTarget(target=45),
                        _LETTER_2008,
                    ),
                    ("党费按时足额收缴", "1", _P, ""),
                    (
                        "党员信息台账缺失每项扣0.5分",
                        "1",
                        DeductionPerOccurrence(per="0.5"),
                        "",
                    ),
                ],
            ),
            (
                "阵地和台账",
                [
                    ("党员活动室（阵地）达标", "1", _P, ""),
                    ("党建电子台账及时更新", "1", _R, ""),
                ],
            ),
        ],
    ),
    (
        "A4",
        "作风建设",
        8,
        [
            (
                "落实中央八项规定精神",
                [
                    ("落实中央八项规定及其实施细则精神", "2", _R, ""),
                    (
                        "明察暗访发现问题每起扣0.5分",
                        "1",
                        "暗访",
                        "由市直机关工委督查组在考核期内明察暗访，按发现问题的起数扣分",
                    ),
                ],
            ),
            (
                "调查研究和联系群众",
                [
                    ("调查研究和联系服务群众", "1.5", _R, ""),
                    ("会风会纪和工作纪律", "1", _R, ""),
                ],
            ),
            (
                "整治形式主义、为基层减负",
                [
                    ("精文简会、为基层减负", "1.5", _R, ""),
                    ("督查检查考核事项规范", "1", _P, ""),
                ],
            ),
        ],
    ),
    (
        "A5",
        "纪律建设",
        8,
        [
            (
                "党风廉政建设责任制",
                [
                    ("签订党风廉政建设责任书", "1", _P, ""),
                    ("廉政风险防控", "2", _R, ""),
                ],
            ),
            (
                "纪律教育",
                [
                    ("警示教育每年不少于2次", "1.5", CountAtLeast(2), ""),
                    ("廉政党课", "1", _P, ""),
                ],
            ),
            (
                "监督执纪",
                [
                    ("运用监督执纪“四种形态”", "1.5", _R, ""),
                    (
                        "信访举报件按时办结率",
                        "1",
                        RatioToTarget(target=100, zero_below=60),
                        "",
                    ),
                ],
            ),
        ],
    ),
    (
        "A6",
        "精神文明建设",
        7,
        [
            (
                "文明单位创建",
                [
                    ("文明单位创建达标", "2", _P, ""),
                    ("志愿服务活动", "1.5", PointsPerOccurrence(per="0.5"), ""),
                ],
            ),
            (
                "机关文化",
                [
                    ("道德讲堂", "1.5", _R, ""),
                    ("结对共建和在职党员进社区", "2", _R, ""),
                ],
            ),
        ],
    ),
    (
        "A7",
        "群团工作",
        7,
        [
            (
                "工会工作",
                [("职工之家建设", "1.5", _R, ""), ("困难职工帮扶", "1", _R, "")],
            ),
            (
                "共青团工作",
                [("团组织生活", "1", _R, ""), ("青年理论学习小组", "1", _R, "")],
            ),
            (
                "妇委会工作",
                [
                    ("巾帼建功活动", "1", _R, ""),
                    (
                        "新发展党员中女性比例≥30%",
                        "1.5",
                        RatioToTarget(target=30),
                        _LETTER_2008,
                    ),
                ],
            ),
        ],
    ),
]
# 50 standards in section A: 7 + 7 + 14 + 6 + 6 + 4 + 6.

#: The service block's common parts: (part id, title, points, standards).
_SERVICE: list[tuple[str, str, int, list[_Standard]]] = [
    (
        "B1",
        "挂村帮扶",
        8,
        [
            (
                "挂村干部驻村天数达标",
                "3",
                RatioToTarget(target=100, zero_below=50),
                "",
            ),
            ("为村办实事", "3", PointsPerOccurrence(per=1), ""),
            ("帮助村级组织建强阵地", "2", _R, ""),
        ],
    ),
    (
        "B2",
        "创业竞赛和主题实践",
        7,
        [
            ("创业竞赛目标完成", "3", _R, ""),
            ("主题实践活动成效", "2.5", _R, ""),
            ("党建与业务融合品牌", "1.5", _R, ""),
        ],
    ),
]

#: The slot ``B3`` (履职服务, 15 points): each series' own indicators.
_SERIES_SPECIFIC: dict[str, list[tuple[str, str, str, object]]] = {
    SERIES_GOVERNMENT: [
        (
            "B3.1",
            "政务服务事项按时办结率",
            "4",
            RatioToTarget(target=100, zero_below=80),
        ),
        ("B3.2", "优化营商环境评价", "4", _R),
        ("B3.3", "服务对象满意度", "4", _R),
        ("B3.4", "效能投诉每件扣1分", "3", DeductionPerOccurrence(per=1)),
    ],
    SERIES_PARTY_MASS: [
        ("B3.5", "围绕中心服务大局", "5", _R),
        ("B3.6", "调查研究成果转化", "3", _R),
        ("B3.7", "联系服务基层和群众", "4", _R),
        ("B3.8", "效能投诉每件扣1分", "3", DeductionPerOccurrence(per=1)),
    ],
    SERIES_VERTICAL: [
        ("B3.9", "系统内年度考评结果", "4", _R),
        ("B3.10", "服务地方经济社会发展", "5", _R),
        ("B3.11", "窗口服务满意率≥95%", "3", RatioToTarget(target=95)),
        ("B3.12", "效能投诉每件扣1分", "3", DeductionPerOccurrence(per=1)),
    ],
}

#: Duties every unit has: never excused as 合理缺项.
_NOT_WAIVABLE = {"A1.1.1", "A1.1.2", "A1.1.3", "A5.1.1"}


def _rule(spec: object) -> ValueRule | Frequency:
    if spec in {_R, "测评"}:  # a ballot indicator is scored directly too
        return DirectScore()
    if spec == _P:
        return PassFail()
    if spec == "暗访":
        return DeductionPerOccurrence(per="0.5")
    assert isinstance(spec, ValueRule | Frequency)  # noqa: S101 - table above
    return spec


def _indicator(
    indicator_id: str, title: str, points: str, spec: object, note: str
) -> Indicator:
    return Indicator(
        indicator_id,
        title,
        points,
        _rule(spec),
        rater_aggregator=TrimmedMean() if spec == "测评" else None,
        description=note,
        waivable=indicator_id not in _NOT_WAIVABLE,
    )


def _template() -> Rubric:
    regular: list[Section] = []
    for part_id, part_title, part_points, items in _PARTS:
        item_sections = []
        for item_no, (item_title, standards) in enumerate(items, 1):
            item_id = f"{part_id}.{item_no}"
            indicators = [
                _indicator(f"{item_id}.{n}", title, points, spec, note)
                for n, (title, points, spec, note) in enumerate(standards, 1)
            ]
            weight = sum((i.max_points for i in indicators), Fraction(0))
            item_sections.append(
                Section(item_id, item_title, weight, indicators=indicators)
            )
        regular.append(
            Section(part_id, part_title, part_points, sections=item_sections)
        )
    service = [
        Section(
            part_id,
            title,
            points,
            indicators=[
                _indicator(f"{part_id}.{n}", t, p, spec, note)
                for n, (t, p, spec, note) in enumerate(standards, 1)
            ],
        )
        for part_id, title, points, standards in _SERVICE
    ]
    service.append(Section("B3", "履职服务（分系列个性指标）", 15, individual=True))
    return Rubric(
        id="jiangcheng-jgdj",
        version="2025",
        title="江城市直机关党建工作责任制考核细则",
        sections=[
            Section("A", "机关党建常规工作", 70, sections=regular),
            Section("B", "服务发展、有效履职", 30, sections=service),
        ],
        bonus=BonusPool(
            cap=10,
            indicators=[
                Indicator("J1", "获省级以上表彰", 6, PointsPerOccurrence(per=3)),
                Indicator("J2", "获市级表彰", 4, PointsPerOccurrence(per=2)),
                Indicator(
                    "J3", "党建创新经验被上级推广", 4, PointsPerOccurrence(per=2)
                ),
            ],
        ),
        deductions=[
            Deduction("K1", "班子成员受到诫勉", points=1, cap=3),
            Deduction(
                "K2",
                "违反中央八项规定精神",
                by_category={
                    "县处级及以上": 3,
                    "乡科级": 2,
                    "一般干部": 1,
                    "其他人员": "0.5",
                },
                cap=6,
            ),
        ],
        deduction_cap=8,
        vetoes=[Veto("V1", "发生严重违纪违法案件或重大责任事故")],
        # 合理缺项 are pro-rated within their own section, which keeps its
        # weight: a unit without 挂村 duty is scored on the rest of B.
        not_applicable=NotApplicablePolicy(level="section"),
    )


def _series_indicators(series: str) -> list[Indicator]:
    return [
        _indicator(indicator_id, title, points, spec, "")
        for indicator_id, title, points, spec in _SERIES_SPECIFIC[series]
    ]


def example_rubrics() -> RubricSet:
    """The season's rubrics (分类考核): common sections, one slot per series.

    One template rubric, ``jiangcheng-jgdj``: section A (机关党建常规工作,
    70) and the common parts of section B (服务发展、有效履职, 30) for every
    unit, and the slot ``B3`` (履职服务, 15 points) filled with the
    indicators of the unit's series (个性指标: 政务服务 for government
    departments, 服务中心大局 for party and mass organisations, 系统内考评
    and 属地服务 for vertically managed units).  A filled rubric keeps the
    template's id, so all units are still ranked under one rubric.

    >>> rubrics = example_rubrics()
    >>> [(s.title, s.weight) for s in rubrics.rubric("jiangcheng-jgdj").sections]
    [('机关党建常规工作', Fraction(70, 1)), ('服务发展、有效履职', Fraction(30, 1))]
    >>> [
    ...     i.title
    ...     for i in rubrics.rubric_for("DQ03").indicators()
    ...     if i.id.startswith("B3")
    ... ]
    ['围绕中心服务大局', '调查研究成果转化', '联系服务基层和群众', '效能投诉每件扣1分']
    """
    tree = example_tree()
    template = _template()
    slots = {series: _series_indicators(series) for series in _SERIES_SPECIFIC}
    return RubricSet(
        [template],
        default=template.id,
        individual={
            unit.id: {"B3": slots[unit.series]}
            for unit in tree
            if unit.series is not None
        },
        title=template.title,
    )


def example_rubric(series: str = SERIES_GOVERNMENT) -> Rubric:
    """The rubric of one series: the template with that series' ``B3`` filled.

    100 points: 机关党建常规工作 70 in seven parts (政治建设 first), 服务发展、
    有效履职 30, bonus capped at 10, two direct deductions and a veto.

    >>> rubric = example_rubric()
    >>> [part.title for section in rubric.sections for part in section.sections]
    ['政治建设', '思想建设', '组织建设', '作风建设', '纪律建设', '精神文明建设', '群团工作', '挂村帮扶', '创业竞赛和主题实践', '履职服务（分系列个性指标）']
    >>> rubric.bonus.cap, len(rubric.indicators())
    (Fraction(10, 1), 60)
    >>> example_rubric("党群部门").indicator("B3.5").title
    '围绕中心服务大局'
    """
    _check_series(series)
    return _template().filled({"B3": _series_indicators(series)})


# (name as the party organisation is written, kind, head's title, size)
# Kinds follow size: 机关党委 for large organs, 党总支 for middle ones,
# 党支部 for small ones.  Bodies dissolved in the 2018–2019 and 2023–2024
# reforms (工商局、质监局、食药监局, 国税局/地税局, 检验检疫局, 市委农办,
# 乡村振兴局, 盐务局 …) are not in the list.
_PC, _GB, _BR = UnitKind.PARTY_COMMITTEE, UnitKind.GENERAL_BRANCH, UnitKind.BRANCH
_GOVERNMENT: list[tuple[str, UnitKind, str]] = [
    ("市发展和改革委员会机关党委", _PC, "主任"),
    ("市人民政府办公室机关党委", _PC, "秘书长"),
    ("市教育局机关党委", _PC, "局长"),
    ("市科学技术局机关党支部", _BR, "局长"),
    ("市工业和信息化局机关党总支", _GB, "局长"),
    ("市公安局机关党委", _PC, "局长"),
    ("市民族宗教事务局机关党支部", _BR, "局长"),
    ("市民政局机关党总支", _GB, "局长"),
    ("市司法局机关党总支", _GB, "局长"),
    ("市财政局机关党委", _PC, "局长"),
    ("市人力资源和社会保障局机关党委", _PC, "局长"),
    ("市自然资源和规划局机关党委", _PC, "局长"),
    ("市生态环境局机关党委", _PC, "局长"),
    ("市住房和城乡建设局机关党委", _PC, "局长"),
    ("市交通运输局机关党委", _PC, "局长"),
    ("市水利局机关党总支", _GB, "局长"),
    ("市农业农村局机关党委", _PC, "局长"),
    ("市商务局机关党总支", _GB, "局长"),
    ("市文化和旅游局机关党总支", _GB, "局长"),
    ("市卫生健康委员会机关党委", _PC, "主任"),
    ("市退役军人事务局机关党支部", _BR, "局长"),
    ("市应急管理局机关党总支", _GB, "局长"),
    ("市审计局机关党总支", _GB, "局长"),
    ("市人民政府国有资产监督管理委员会机关党支部", _BR, "主任"),
    ("市市场监督管理局机关党委", _PC, "局长"),
    ("市统计局机关党支部", _BR, "局长"),
    ("市医疗保障局机关党支部", _BR, "局长"),
    ("市林业局机关党委", _PC, "局长"),
    ("市城市管理局机关党总支", _GB, "局长"),
    ("市信访局机关党支部", _BR, "局长"),
    ("市机关事务管理局机关党总支", _GB, "局长"),
    ("市体育局机关党支部", _BR, "局长"),
    ("市政务服务管理局机关党总支", _GB, "局长"),
    ("市数据局机关党支部", _BR, "局长"),
    ("市地方金融管理局机关党支部", _BR, "局长"),
    ("市粮食和物资储备局机关党支部", _BR, "局长"),
    ("市供销合作社联合社机关党支部", _BR, "主任"),
    ("市住房公积金管理中心党总支", _GB, "主任"),
    ("市公共资源交易中心党支部", _BR, "主任"),
]
_PARTY_MASS: list[tuple[str, UnitKind, str]] = [
    ("市纪委监委机关党委", _PC, "市纪委书记、市监委主任"),
    ("市委办公室机关党总支", _GB, "秘书长"),
    ("市委组织部机关党支部", _BR, "部长"),
    ("市委宣传部机关党支部", _BR, "部长"),
    ("市委统战部机关党支部", _BR, "部长"),
    ("市委政法委员会机关党支部", _BR, "书记"),
    ("市委政策研究室机关党支部", _BR, "主任"),
    ("市委网络安全和信息化委员会办公室机关党支部", _BR, "主任"),
    ("市委机构编制委员会办公室机关党支部", _BR, "主任"),
    ("市委外事工作委员会办公室机关党支部", _BR, "主任"),
    ("市委台湾工作办公室机关党支部", _BR, "主任"),
    ("市委社会工作部机关党支部", _BR, "部长"),
    ("市委老干部局机关党支部", _BR, "局长"),
    ("市委机要保密局机关党支部", _BR, "局长"),
    ("市委巡察工作领导小组办公室机关党支部", _BR, "主任"),
    ("市委党校机关党委", _PC, "常务副校长"),
    ("市档案馆党支部", _BR, "馆长"),
    ("市人大常委会机关党委", _PC, "秘书长"),
    ("市政协机关党委", _PC, "秘书长"),
    ("市中级人民法院机关党委", _PC, "院长"),
    ("市人民检察院机关党委", _PC, "检察长"),
    ("市总工会机关党总支", _GB, "常务副主席"),
    ("团市委机关党支部", _BR, "书记"),
    ("市妇联机关党支部", _BR, "主席"),
    ("市科协机关党支部", _BR, "主席"),
    ("市社科联机关党支部", _BR, "主席"),
    ("市文联机关党支部", _BR, "主席"),
    ("市侨联机关党支部", _BR, "主席"),
    ("市残联机关党支部", _BR, "理事长"),
    ("市工商联机关党支部", _BR, "主席"),
    ("市红十字会机关党支部", _BR, "常务副会长"),
    ("市计划生育协会机关党支部", _BR, "常务副会长"),
    ("市法学会机关党支部", _BR, "常务副会长"),
    ("市贸促会机关党支部", _BR, "会长"),
]
# Vertically managed (垂直管理): led here, guided by their own system.
_VERTICAL: list[tuple[str, UnitKind, str, str]] = [
    ("国家税务总局江城市税务局机关党委", _PC, "局长", "国家税务总局省税务局党委"),
    ("江城海关机关党委", _PC, "关长", "省内直属海关党委"),
    ("江城市气象局机关党支部", _BR, "局长", "省气象局党组"),
    (
        "江城市烟草专卖局（公司）机关党委",
        _PC,
        "局长（经理）",
        "省烟草专卖局（公司）党组",
    ),
    (
        "国家金融监督管理总局江城监管分局机关党总支",
        _GB,
        "局长",
        "国家金融监督管理总局省监管局党委",
    ),
    ("中国人民银行江城市分行机关党委", _PC, "行长", "中国人民银行省分行党委"),
    ("国家统计局江城调查队机关党支部", _BR, "队长", "国家统计局省调查总队党组"),
    ("江城市邮政管理局机关党支部", _BR, "局长", "省邮政管理局党组"),
    ("江城市消防救援支队党委", _PC, "支队长", "省消防救援总队党委"),
    ("江城出入境边防检查站党委", _PC, "站长", "省出入境边防检查总站党委"),
    ("江城海事局机关党总支", _GB, "局长", "省海事局党委"),
    ("省水文水资源勘测中心江城分中心党支部", _BR, "主任", "省水文水资源勘测中心党委"),
    (
        "国家粮食和物资储备局省局江城处党支部",
        _BR,
        "处长",
        "国家粮食和物资储备局省局党组",
    ),
]

_SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗郑梁谢宋唐许韩邓冯曹彭"
    "曾萧田董潘袁蔡蒋余叶杜魏程苏吕丁沈任姚卢钟姜崔谭廖范汪陆金石戴贾夏邱方邹熊"
)
_GIVEN = [
    "建华",
    "志刚",
    "丽娟",
    "晓明",
    "海峰",
    "春燕",
    "伟",
    "静",
    "敏",
    "勇",
    "军",
    "磊",
    "涛",
    "艳",
    "芳",
    "红梅",
    "文斌",
    "国庆",
    "永强",
    "宏伟",
    "建军",
    "卫东",
    "晓燕",
    "雪梅",
    "俊杰",
    "明华",
    "立平",
    "少峰",
    "瑞琴",
    "鸿",
    "斌",
    "琳",
    "鹏",
    "昊",
    "秀云",
    "志宏",
    "丽萍",
    "国华",
    "建平",
    "小红",
    "海燕",
    "文杰",
    "学军",
    "玉兰",
    "振华",
    "晓红",
    "继红",
    "永明",
    "德胜",
    "美玲",
    "新民",
    "长青",
    "红霞",
    "慧",
    "颖",
    "婷",
    "辉",
    "凯",
    "刚",
    "健",
    "亮",
    "燕",
    "霞",
    "桂芳",
    "金龙",
    "晓东",
    "丽华",
    "建新",
]

#: Units without the duty of 挂村帮扶 (B1 is 合理缺项 for them).
_NO_VILLAGE = {"DQ15": "市委巡察办", "DQ17": "市档案馆", "DQ31": "市红十字会"}
#: Units weak in both years: the first stays at the bottom of its series.
_WEAK = {"ZF15": Fraction(72, 100)}
#: Units that were weak in one year only.
_WEAK_ONCE = {
    2024: {"CZ08": Fraction(80, 100), "DQ29": Fraction(81, 100)},
    2025: {"ZF33": Fraction(79, 100), "DQ23": Fraction(80, 100)},
}
#: The one veto case: a serious disciplinary case in the 2025 cycle.
_VETOED = {2025: "ZF12"}
#: Where the ranking policy leaves a unit out of the published tables.
_UNRANKED = {"DQ01": "纪检监察机关按细则参加考核、不参加公开排名"}


def example_tree(series: str | None = None) -> OrgTree:
    """The working committee and 86 subordinate organisations.

    39 government departments (政府工作部门), 34 party and mass
    organisations (党群部门) and 13 vertically managed units (垂直管理部门),
    spread over eight liaison groups (联系片).  Each letter names the
    organisation's secretary and the unit's head (two responsible persons);
    a vertically managed unit is led here and guided (指导) by its system.

    >>> tree = example_tree()
    >>> {series: len(units) for series, units in tree.by_series().items()}
    {None: 1, '政府工作部门': 39, '党群部门': 34, '垂直管理部门': 13}
    >>> tree["ZF01"].name, tree["ZF01"].liaison_group
    ('市发展和改革委员会机关党委', '第1联系片')
    >>> tree["CZ01"].guided_by
    '国家税务总局省税务局党委'

    With *series*, the committee and that series' units only — a season of
    one rubric, for the tools that take a single one (score sheets, audit
    trails, what-if):

    >>> len(example_tree("垂直管理部门"))
    14
    """
    rng = random.Random("pbcheck-example-tree")
    used: set[str] = set()

    def person(role: Role, title: str) -> ResponsiblePerson:
        while True:
            surname, given = rng.choice(_SURNAMES), rng.choice(_GIVEN)
            name = surname + given
            if name not in used and surname != given[0]:
                used.add(name)
                return ResponsiblePerson(name, role, title)

    rows: list[tuple[str, str, str, UnitKind, str, str | None]] = [
        (SERIES_GOVERNMENT, f"ZF{n:02d}", name, kind, head, None)
        for n, (name, kind, head) in enumerate(_GOVERNMENT, 1)
    ]
    rows += [
        (SERIES_PARTY_MASS, f"DQ{n:02d}", name, kind, head, None)
        for n, (name, kind, head) in enumerate(_PARTY_MASS, 1)
    ]
    rows += [
        (SERIES_VERTICAL, f"CZ{n:02d}", name, kind, head, guide)
        for n, (name, kind, head, guide) in enumerate(_VERTICAL, 1)
    ]
    units = [OrgUnit("JGGW", "江城市直机关工委", UnitKind.WORKING_COMMITTEE)]
    for index, (unit_series, unit_id, name, kind, head, guide) in enumerate(rows):
        secretary = f"{'机关' if '机关' in name else ''}{kind.label_zh}书记"
        units.append(
            OrgUnit(
                id=unit_id,
                name=name,
                kind=kind,
                parent="JGGW",
                series=unit_series,
                liaison_group=f"第{index % 8 + 1}联系片",
                responsible=(
                    person(Role.SECRETARY, secretary),
                    person(Role.ADMINISTRATIVE_HEAD, head),
                ),
                guided_by=guide,
            )
        )
    if series is not None:
        _check_series(series)
        units = [u for u in units if u.series in {None, series}]
        return OrgTree(units, series=(series,))
    return OrgTree(
        units, series=(SERIES_GOVERNMENT, SERIES_PARTY_MASS, SERIES_VERTICAL)
    )


def _check_series(series: str) -> None:
    if series not in _SERIES_SPECIFIC:
        msg = f"the example has the series {list(_SERIES_SPECIFIC)}, not {series!r}"
        raise ValueError(msg)


def example_cycle(year: int = 2025) -> AssessmentCycle:
    """The cross-year cycle starting in May of *year*.

    >>> cycle = example_cycle(2025)
    >>> cycle.label_zh, cycle.milestone("commendation").date
    ('2025—2026年度', datetime.date(2026, 6, 30))
    """
    return AssessmentCycle.cross_year(year)


def example_policy() -> OutcomePolicy:
    """The example's outcome policy: the defaults, 市纪委监委机关 not ranked.

    The rubric has the 纪检监察机关 assessed like every unit but kept out of
    the published ranking (a common practice for a sensitive body; the
    example's choice, not a regulation).

    >>> example_policy().ranking.unranked
    {'DQ01': '纪检监察机关按细则参加考核、不参加公开排名'}
    """
    return OutcomePolicy(ranking=RankingPolicy(unranked=_UNRANKED))


def example_evaluations(
    year: int = 2025, series: str | None = None
) -> tuple[Evaluation, ...]:
    """A season of records for every unit of :func:`example_tree` in *year*'s cycle.

    Each unit has a steady "quality" with a little year-to-year noise; most
    totals fall between 85 and 98.  A few units are weak: ``ZF15`` in both
    years (two years at the bottom of its series, so it is escalated),
    others in one year.  ``ZF12`` has a veto case in 2025.  Three units have
    no 挂村帮扶 duty and units that admitted no new members in the cycle
    have the new-member ratios marked not applicable (合理缺项).

    >>> evaluations = example_evaluations(2025)
    >>> len(evaluations), evaluations[0].unit_id
    (86, 'ZF01')
    >>> evaluations == example_evaluations(2025)
    True

    With *series*, the records of that series' units only (the same records):

    >>> government = example_evaluations(2025, "政府工作部门")
    >>> len(government), government[0] == evaluations[0]
    (39, True)
    """
    if year not in EXAMPLE_YEARS:
        msg = f"example evaluations exist for {EXAMPLE_YEARS}, not {year}"
        raise ValueError(msg)
    rubrics = example_rubrics()
    cycle = example_cycle(year)
    tree = example_tree()
    steady = random.Random("pbcheck-example-quality")
    rng = random.Random(f"pbcheck-example-evaluations-{year}")
    evaluations = []
    for unit in tree:
        if unit.kind is UnitKind.WORKING_COMMITTEE:
            continue
        base = steady.uniform(0.84, 0.96)
        quality = min(0.99, max(0.5, base + rng.gauss(0, 0.012)))
        weak = _WEAK.get(unit.id) or _WEAK_ONCE[year].get(unit.id)
        if weak is not None:
            quality = float(weak) + rng.uniform(-0.01, 0.01)
        rubric = rubrics.rubric_for(unit.id)
        evaluations.append(
            _Generator(rubric, cycle, unit.id, quality, rng, year).evaluation()
        )
    if series is not None:
        _check_series(series)
        return tuple(e for e in evaluations if tree[e.unit_id].series == series)
    return tuple(evaluations)


def _evaluation(  # noqa: PLR0913, PLR0917 - the benchmarks' generator
    rubric: Rubric,
    cycle: AssessmentCycle,
    unit_id: str,
    quality: float,
    rng: random.Random,
    assessed_on: date,
) -> Evaluation:
    """One unit's records in *cycle* (``benchmarks/exact_path.py`` makes many)."""
    del assessed_on  # the generator dates assessments in May after the cycle
    return _Generator(
        rubric, cycle, unit_id, quality, rng, cycle.start.year
    ).evaluation()


_MEETINGS = {
    "A3.1.1": "支部党员大会",
    "A3.1.2": "支部委员会会议",
    "A3.1.3": "党小组会",
    "A3.1.4": "党课",
    "A3.2.1": "主题党日",
    "A3.2.2": "组织生活会",
}
_BALLOT_POINTS = (Fraction(3), Fraction(12, 5), Fraction(3, 2), Fraction(0))


class _Generator:
    """The records of one unit in one cycle; draws stay in a fixed order."""

    def __init__(  # noqa: PLR0913, PLR0917 - internal generator
        self,
        rubric: Rubric,
        cycle: AssessmentCycle,
        unit_id: str,
        quality: float,
        rng: random.Random,
        year: int,
    ) -> None:
        self.rubric, self.cycle, self.unit_id = rubric, cycle, unit_id
        self.quality, self.rng, self.year = quality, rng, year
        self.assessed_on = date(year + 1, 5, 12)
        self.observations: list[Observation] = []
        self.activities: list[Activity] = []
        self.waived: list[NotApplicable] = []

    def evaluation(self) -> Evaluation:
        rng = self.rng
        no_new_members = rng.random() < 0.3
        for indicator in self.rubric.indicators():
            waived = self._waived(indicator, no_new_members=no_new_members)
            if waived:
                self.waived.append(
                    NotApplicable(indicator.id, waived, recorded_at=self.assessed_on)
                )
            elif isinstance(indicator.rule, Frequency):
                self._meetings(indicator)
            elif indicator.rater_aggregator is not None:
                self._ballots(indicator)
            elif indicator.id == "A4.1.2":
                self._spot_check(indicator)
            else:
                self._scored(indicator)
        chances = (0.04, 0.12, 0.06)
        for bonus, chance in zip(self.rubric.bonus.indicators, chances, strict=True):
            if rng.random() < chance * self.quality:
                self.observations.append(
                    Observation(
                        bonus.id,
                        1,
                        rater="考评组甲",
                        recorded_at=self.assessed_on,
                        evidence=(Evidence("document", f"表彰文件/{self.unit_id}"),),
                    )
                )
        return Evaluation(
            self.unit_id,
            self.observations,
            self.activities,
            self._incidents(),
            not_applicable=self.waived,
        )

    def _waived(self, indicator: Indicator, *, no_new_members: bool) -> str:
        if indicator.id.startswith("B1.") and self.unit_id in _NO_VILLAGE:
            return f"{_NO_VILLAGE[self.unit_id]}未承担挂村帮扶任务"
        if no_new_members and indicator.id in {"A3.4.1", "A3.4.2", "A7.3.2"}:
            return "本考核期未发展党员"
        return ""

    def _good(self) -> float:
        return min(1.0, max(0.0, self.rng.gauss(self.quality, 0.06)))

    def _scored(self, indicator: Indicator) -> None:
        rng = self.rng
        rule = indicator.rule
        assert isinstance(rule, ValueRule)  # noqa: S101 - the example uses no others
        direct = isinstance(rule, DirectScore)
        for rater in ("考评组甲", "考评组乙") if direct else ("考评组甲",):
            self.observations.append(
                Observation(
                    indicator.id,
                    self._value(rule, indicator.max_points),
                    source=Source.TEAM,
                    rater=rater,
                    recorded_at=self.assessed_on,
                    evidence=(
                        Evidence("document", f"台账/{self.unit_id}/{indicator.id}"),
                    ),
                )
            )
        if direct and rng.random() < 0.3:
            self.observations.append(
                Observation(
                    indicator.id,
                    self._value(rule, indicator.max_points, lift=0.03),
                    source=Source.DEPARTMENT,
                    rater="部门评议组",
                    recorded_at=self.assessed_on,
                )
            )
        if rng.random() < 0.1:
            self.observations.append(
                Observation(
                    indicator.id,
                    self._value(rule, indicator.max_points, lift=0.1),
                    source=Source.SELF,
                    rater=self.unit_id,
                    recorded_at=self.cycle.end,
                )
            )

    def _value(  # noqa: PLR0911 - one return per rule kind
        self, rule: ValueRule, max_points: Fraction, *, lift: float = 0.0
    ) -> bool | int | Fraction:
        rng = self.rng
        good = min(1.0, self._good() + lift)
        if isinstance(rule, PassFail):
            return rng.random() < good + 0.06
        if isinstance(rule, DirectScore):
            return Fraction(round(good * float(max_points) * 10), 10)
        if isinstance(rule, RatioToTarget):
            return Fraction(
                round(min(100.0, float(rule.target) * (0.55 + good * 0.5)) * 10), 10
            )
        if isinstance(rule, Tiers):
            return round(good * 10)
        if isinstance(rule, DeductionPerOccurrence):
            return 1 if rng.random() < (1 - good) * 1.2 else 0
        if isinstance(rule, PointsPerOccurrence):
            return round(good * float(max_points / rule.per) * 1.1)
        if isinstance(rule, CountAtLeast):
            return round(good * rule.required * 1.1)
        msg = f"no example values for {rule!r}"
        raise TypeError(msg)

    def _ballots(self, indicator: Indicator) -> None:
        """民主测评: nine ballots of 好 / 较好 / 一般 / 差."""
        rng = self.rng
        q = self.quality
        weights = (q**3, 3 * q**2 * (1 - q), 3 * q * (1 - q) ** 2 + 0.01, 0.005)
        for n in range(1, 10):
            points = rng.choices(_BALLOT_POINTS, weights)[0]
            self.observations.append(
                Observation(
                    indicator.id,
                    points,
                    source=Source.TEAM,
                    rater=f"测评票{n:02d}",
                    recorded_at=self.assessed_on,
                )
            )

    def _spot_check(self, indicator: Indicator) -> None:
        """明察暗访: the findings of the inspection group over the cycle."""
        rng = self.rng
        found = sum(rng.random() < (1 - self.quality) * 0.8 for _ in range(2))
        day = self.cycle.start + timedelta(days=rng.randrange(120, 330))
        self.observations.append(
            Observation(
                indicator.id,
                found,
                source=Source.SPOT_CHECK,
                rater="市直机关工委督查组",
                recorded_at=day,
                evidence=(
                    Evidence("document", f"督查记录/{self.year}/{self.unit_id}"),
                ),
                note=(
                    f"明察暗访发现{found}起：工作时间脱岗、办事窗口无人值守"
                    if found
                    else "明察暗访未发现问题"
                ),
            )
        )

    def _meetings(self, indicator: Indicator) -> None:
        rule = indicator.rule
        assert isinstance(rule, Frequency)  # noqa: S101 - caller checks
        name = _MEETINGS[indicator.id]
        held = min(0.995, self.quality + 0.05)
        for period in self.cycle.sub_periods(rule.per):
            if self.rng.random() < held:
                day = period.start + timedelta(days=self.rng.randrange(period.days))
                self.activities.append(
                    Activity(
                        indicator.id,
                        day,
                        title=name,
                        evidence=(
                            Evidence(
                                "minutes",
                                f"会议记录/{self.unit_id}/{name}/{day.year}年{day.month}月",
                            ),
                        ),
                    )
                )

    def _incidents(self) -> list[Incident]:
        rng = self.rng
        found = []
        day = self.cycle.start + timedelta(days=rng.randrange(self.cycle.days))
        if rng.random() < 0.02 + (1 - self.quality) * 0.1:
            found.append(Incident("K1", day, note="班子成员受到诫勉"))
        if rng.random() < 0.02 + (1 - self.quality) * 0.15:
            found.append(
                Incident(
                    "K2",
                    day,
                    category=rng.choice(["乡科级", "一般干部", "其他人员"]),
                    note="违规使用公务用车",
                )
            )
        if _VETOED.get(self.year) == self.unit_id:
            found.append(
                Incident(
                    "V1",
                    day,
                    note="单位班子成员严重违纪违法，被立案审查调查",
                )
            )
        return found

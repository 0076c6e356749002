"""The bundled example: 江城市直机关 (an invented city) in the cross-year cycle.

Modelled on the Nanping practice described in the source documents, with
invented organisations and people:

* :func:`example_rubric` — a 100-point rubric: regular party-building work
  70 points in five parts, serving development and effective duty performance
  (服务发展、有效履职) 30 points — six parts, 24 items, 65 quantified standards —
  plus up to 10 bonus points (奖励分), direct deductions and a veto.
* :func:`example_tree` — the working committee and 90 directly subordinate
  party organisations in three series and eight liaison groups.
* :func:`example_cycle` — the cross-year cycle (May N to April N+1).
* :func:`example_evaluations` — one season of records for every unit
  (assessment-team scores, department appraisal, measured ratios, dated
  三会一课 activities, incidents), for 2024 and 2025.

Everything is generated deterministically: the same year always gives the
same records, whatever the machine or hash seed.

>>> tree = example_tree()
>>> len(tree) - 1, len(example_rubric().indicators())
(90, 65)
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from fractions import Fraction

from pbcheck.model.cycle import AssessmentCycle
from pbcheck.model.evaluation import (
    Activity,
    Evaluation,
    Evidence,
    Incident,
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
from pbcheck.model.rubric import BonusPool, Deduction, Indicator, Rubric, Section, Veto
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

__all__ = [
    "EXAMPLE_YEARS",
    "example_cycle",
    "example_evaluations",
    "example_rubric",
    "example_tree",
]

#: The cycles for which example evaluations exist.
EXAMPLE_YEARS = (2024, 2025)

_R = "直评"  # DirectScore
_P = "达标"  # PassFail

# (part id, title, points, [(item title, [(standard title, points, rule)])])
# A rule is _R, _P, or a rule object.  6 parts, 24 items, 65 standards.
_PARTS: list[tuple[str, str, int, list[tuple[str, list[tuple[str, str, object]]]]]] = [
    (
        "P1",
        "思想建设",
        14,
        [
            (
                "理论学习",
                [
                    ("中心组学习每年不少于12次", "1.5", CountAtLeast(12, partial=True)),
                    ("党员学习笔记规范完整", "1", _R),
                    ("学习贯彻上级精神有部署有检查", "1", _P),
                ],
            ),
            (
                "电化教育",
                [
                    (
                        "每年组织观看电教片不少于8部",
                        "2",
                        Tiers([(4, 1), (6, "1.5"), (8, 2)]),
                    ),
                    ("电教设施管理使用", "1", _P),
                ],
            ),
            (
                "思想政治工作",
                [
                    ("谈心谈话制度落实", "1.5", _R),
                    ("党员思想状况分析每半年一次", "1", _P),
                    ("意识形态工作责任制落实", "2", _R),
                ],
            ),
            (
                "宣传工作",
                [
                    ("党建信息报送", "1", PointsPerOccurrence(per="0.25")),
                    ("典型宣传", "1", _R),
                    ("网站与宣传栏更新", "1", _R),
                ],
            ),
        ],
    ),
    (
        "P2",
        "组织建设",
        22,
        [
            ("班子建设", [("党组织按期换届", "1.5", _P), ("书记述职评议", "1.5", _R)]),
            (
                "三会一课",
                [
                    ("支委会每月至少1次", "2", Frequency(per="month")),
                    ("党课每季度至少1次", "1.5", Frequency(per="quarter")),
                    (
                        "党员大会每半年至少1次",
                        "1.5",
                        Frequency(per="half", scoring="all_or_nothing"),
                    ),
                    (
                        "组织生活会每年至少1次",
                        "1",
                        Frequency(per="cycle", scoring="all_or_nothing"),
                    ),
                ],
            ),
            (
                "党员发展",
                [
                    ("新发展党员35岁以下比例≥75%", "1", RatioToTarget(target=75)),
                    ("新发展党员大专以上学历比例≥45%", "1", RatioToTarget(target=45)),
                    ("发展程序规范", "1", _R),
                ],
            ),
            (
                "党员管理",
                [
                    ("党费按时足额收缴", "1", _P),
                    ("组织关系转接及时", "1", _P),
                    (
                        "党员信息台账缺失每项扣0.5分",
                        "1.5",
                        DeductionPerOccurrence(per="0.5"),
                    ),
                ],
            ),
            (
                "基层组织覆盖",
                [
                    (
                        "所属单位党组织覆盖率100%",
                        "1.5",
                        RatioToTarget(target=100, zero_below=80),
                    ),
                    ("党组织书记“双强”比例≥85%", "1.5", RatioToTarget(target=85)),
                ],
            ),
            (
                "阵地建设",
                [
                    ("党员活动室达标", "1", _P),
                    ("党务公开", "1", _R),
                    ("党建电子台账及时更新", "1.5", _R),
                ],
            ),
        ],
    ),
    (
        "P3",
        "作风与廉政建设",
        14,
        [
            (
                "党风廉政责任制",
                [
                    ("签订廉政责任书", "1", _P),
                    ("落实“一岗双责”", "2", _R),
                    ("廉政风险防控", "1.5", _R),
                ],
            ),
            (
                "作风建设",
                [
                    ("落实中央八项规定精神", "1.5", _R),
                    ("机关效能投诉处理", "1", _R),
                    ("会风会纪", "1", _R),
                ],
            ),
            (
                "廉政教育",
                [
                    ("警示教育每年不少于2次", "1", CountAtLeast(2)),
                    ("廉政党课", "1", _P),
                ],
            ),
            (
                "监督检查",
                [
                    ("民主生活会查摆问题整改", "2", _R),
                    ("信访件办结率", "2", RatioToTarget(target=100, zero_below=60)),
                ],
            ),
        ],
    ),
    (
        "P4",
        "精神文明建设",
        10,
        [
            (
                "文明单位创建",
                [
                    ("文明单位创建达标", "2", _P),
                    ("志愿服务活动", "2", PointsPerOccurrence(per="0.5")),
                ],
            ),
            ("机关文化", [("文体活动", "1.5", _R), ("道德讲堂", "1.5", _R)]),
            (
                "社会责任",
                [("结对帮扶", "1", _R), ("公益捐助", "1", _R), ("社区共建", "1", _R)],
            ),
        ],
    ),
    (
        "P5",
        "工青妇建设",
        10,
        [
            (
                "工会工作",
                [
                    ("职工之家建设", "1", _R),
                    ("职代会制度", "1", _P),
                    ("困难职工帮扶", "1", _R),
                ],
            ),
            (
                "共青团工作",
                [("团组织生活", "1.5", _R), ("青年理论学习小组", "1.5", _R)],
            ),
            (
                "妇委会工作",
                [
                    ("妇女权益保障", "1", _R),
                    ("巾帼建功活动", "1", _R),
                    ("女性党员发展比例≥30%", "2", RatioToTarget(target=30)),
                ],
            ),
        ],
    ),
    (
        "P6",
        "服务发展、有效履职",
        30,
        [
            (
                "创业竞赛",
                [
                    ("竞赛目标完成", "4", _R),
                    ("创新项目", "2", _R),
                    ("竞赛材料报送", "2", _P),
                ],
            ),
            (
                "挂村服务",
                [
                    (
                        "挂村干部驻村天数达标",
                        "3",
                        RatioToTarget(target=100, zero_below=50),
                    ),
                    ("为村办实事", "3", PointsPerOccurrence(per=1)),
                    ("村级服务中心建成率≥90%", "2", RatioToTarget(target=90)),
                ],
            ),
            (
                "效能建设",
                [
                    (
                        "行政审批按时办结率",
                        "3",
                        RatioToTarget(target=100, zero_below=80),
                    ),
                    ("群众满意度测评", "2", _R),
                    ("效能投诉每件扣1分", "2", DeductionPerOccurrence(per=1)),
                ],
            ),
            (
                "主题实践活动",
                [
                    ("活动方案与部署", "2", _P),
                    ("活动成效", "3", _R),
                    ("总结与宣传", "2", _R),
                ],
            ),
        ],
    ),
]
# 65 standards: 3+2+3+3 | 2+4+3+3+2+3 | 3+3+2+2 | 2+2+3 | 3+2+3 | 3+3+3+3


def _rule(spec: object) -> ValueRule | Frequency:
    if spec == _R:
        return DirectScore()
    if spec == _P:
        return PassFail()
    assert isinstance(spec, ValueRule | Frequency)  # noqa: S101 - table above
    return spec


def example_rubric() -> Rubric:
    """The 100-point rubric: 70 regular work + 30 serving development, bonus ≤ 10.

    >>> rubric = example_rubric()
    >>> [(s.title, s.weight) for s in rubric.sections]
    [('机关党建常规工作', Fraction(70, 1)), ('服务发展、有效履职', Fraction(30, 1))]
    >>> [part.title for section in rubric.sections for part in section.sections]
    ['思想建设', '组织建设', '作风与廉政建设', '精神文明建设', '工青妇建设', '服务发展、有效履职']
    >>> rubric.bonus.cap, len(rubric.indicators())
    (Fraction(10, 1), 65)
    """
    regular: list[Section] = []
    service: list[Section] = []
    for part_id, part_title, part_points, items in _PARTS:
        item_sections = []
        for item_no, (item_title, standards) in enumerate(items, 1):
            item_id = f"{part_id}.{item_no}"
            indicators = [
                Indicator(f"{item_id}.{n}", title, points, _rule(spec))
                for n, (title, points, spec) in enumerate(standards, 1)
            ]
            weight = sum((i.max_points for i in indicators), Fraction(0))
            item_sections.append(
                Section(item_id, item_title, weight, indicators=indicators)
            )
        part = Section(part_id, part_title, part_points, sections=item_sections)
        (service if part_id == "P6" else regular).append(part)
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
            Deduction("K1", "班子成员被诫勉谈话", points=1, cap=3),
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
    )


_GOVERNMENT = [
    "发展和改革委员会",
    "教育局",
    "科学技术局",
    "工业和信息化局",
    "公安局",
    "民政局",
    "司法局",
    "财政局",
    "人力资源和社会保障局",
    "自然资源局",
    "生态环境局",
    "住房和城乡建设局",
    "交通运输局",
    "水利局",
    "农业农村局",
    "商务局",
    "文化和旅游局",
    "卫生健康委员会",
    "退役军人事务局",
    "应急管理局",
    "审计局",
    "国有资产监督管理委员会",
    "市场监督管理局",
    "统计局",
    "医疗保障局",
    "林业局",
    "城市管理局",
    "行政服务中心管理委员会",
    "信访局",
    "机关事务管理局",
    "人民防空办公室",
    "粮食和物资储备局",
    "地方金融监督管理局",
    "数据管理局",
    "乡村振兴局",
    "供销合作社",
    "广播电视台",
    "体育局",
    "外事办公室",
    "经济开发区管理委员会",
]
_PARTY_MASS = [
    "纪委监委机关",
    "组织部",
    "宣传部",
    "统战部",
    "政法委",
    "政策研究室",
    "党校",
    "档案馆",
    "总工会",
    "团市委",
    "妇联",
    "科协",
    "文联",
    "侨联",
    "残联",
    "工商联",
    "红十字会",
    "人大常委会机关",
    "政协机关",
    "老干部局",
]
_VERTICAL = [
    "税务局",
    "气象局",
    "海关",
    "邮政管理局",
    "烟草专卖局",
    "国家统计调查队",
    "人民银行分行",
    "金融监管分局",
    "电力公司",
    "通信管理办公室",
    "出入境边防检查站",
    "消防救援支队",
    "地震局",
    "水文局",
    "公路局",
    "海事局",
    "铁路办事处",
    "盐务局",
    "邮政分公司",
    "移动分公司",
    "联通分公司",
    "电信分公司",
    "石油分公司",
    "烟草公司",
    "农业发展银行",
    "工商银行分行",
    "农业银行分行",
    "中国银行分行",
    "建设银行分行",
    "储运公司",
]
_SURNAMES = [
    "王",
    "李",
    "张",
    "刘",
    "陈",
    "杨",
    "黄",
    "赵",
    "吴",
    "周",
    "徐",
    "孙",
    "马",
    "朱",
    "胡",
    "郭",
    "何",
    "林",
    "罗",
    "郑",
    "梁",
    "谢",
    "宋",
    "唐",
    "许",
    "韩",
    "邓",
    "冯",
    "曹",
    "彭",
]
_GIVEN = [
    "建国",
    "海燕",
    "志强",
    "秀英",
    "文华",
    "明辉",
    "丽君",
    "国平",
    "晓东",
    "春梅",
    "永红",
    "伟民",
    "桂兰",
    "德华",
    "少华",
    "玉洁",
    "振宇",
    "雪峰",
    "慧敏",
    "立新",
]


def _person(rng: random.Random, role: Role, title: str) -> ResponsiblePerson:
    return ResponsiblePerson(rng.choice(_SURNAMES) + rng.choice(_GIVEN), role, title)


def example_tree() -> OrgTree:
    """The working committee and 90 subordinate organisations.

    40 government departments, 20 party and mass organisations and 30
    vertically managed units, spread over eight liaison groups (联系片).

    >>> tree = example_tree()
    >>> {series: len(units) for series, units in tree.by_series().items()}
    {None: 1, '政府工作部门': 40, '党群部门': 20, '垂直管理部门': 30}
    >>> tree["ZF01"].name, tree["ZF01"].liaison_group
    ('市发展和改革委员会机关党委', '第1联系片')
    """
    rng = random.Random("pbcheck-example-tree")
    units = [OrgUnit("JGGW", "江城市直机关工委", UnitKind.WORKING_COMMITTEE)]
    for series, code, names in (
        (SERIES_GOVERNMENT, "ZF", _GOVERNMENT),
        (SERIES_PARTY_MASS, "DQ", _PARTY_MASS),
        (SERIES_VERTICAL, "CZ", _VERTICAL),
    ):
        for n, name in enumerate(names, 1):
            kind = rng.choice(
                [
                    UnitKind.PARTY_COMMITTEE,
                    UnitKind.PARTY_COMMITTEE,
                    UnitKind.GENERAL_BRANCH,
                ]
            )
            units.append(
                OrgUnit(
                    id=f"{code}{n:02d}",
                    name=f"市{name}{kind.label_zh if kind is UnitKind.GENERAL_BRANCH else '机关党委'}",
                    kind=kind,
                    parent="JGGW",
                    series=series,
                    liaison_group=f"第{(len(units) - 1) % 8 + 1}联系片",
                    responsible=(
                        _person(rng, Role.SECRETARY, "党组织书记"),
                        _person(rng, Role.ADMINISTRATIVE_HEAD, "行政主要领导"),
                    ),
                    guided_by=f"上级{name}党组" if series == SERIES_VERTICAL else None,
                )
            )
    return OrgTree(
        units, series=(SERIES_GOVERNMENT, SERIES_PARTY_MASS, SERIES_VERTICAL)
    )


def example_cycle(year: int = 2025) -> AssessmentCycle:
    """The cross-year cycle starting in May of *year*.

    >>> cycle = example_cycle(2025)
    >>> cycle.label_zh, cycle.milestone("commendation").date
    ('2025—2026年度', datetime.date(2026, 6, 30))
    """
    return AssessmentCycle.cross_year(year)


def example_evaluations(year: int = 2025) -> tuple[Evaluation, ...]:
    """A season of records for every unit of :func:`example_tree` in *year*'s cycle.

    Each unit has a hidden "diligence" that shapes its records; two units are
    weak in both years, so that a second cycle shows an escalation.

    >>> evaluations = example_evaluations(2025)
    >>> len(evaluations), evaluations[0].unit_id
    (90, 'ZF01')
    >>> evaluations == example_evaluations(2025)
    True
    """
    if year not in EXAMPLE_YEARS:
        msg = f"example evaluations exist for {EXAMPLE_YEARS}, not {year}"
        raise ValueError(msg)
    rubric = example_rubric()
    cycle = example_cycle(year)
    tree = example_tree()
    rng = random.Random(f"pbcheck-example-evaluations-{year}")
    assessed_on = date(year + 1, 5, 12)
    evaluations = []
    for unit in tree:
        if unit.kind is UnitKind.WORKING_COMMITTEE:
            continue
        diligence = rng.uniform(0.5, 0.95)
        if unit.id in {"ZF37", "CZ29"}:  # persistently weak: bottom twice running
            diligence = rng.uniform(0.25, 0.35)
        evaluations.append(
            _evaluation(rubric, cycle, unit.id, diligence, rng, assessed_on)
        )
    return tuple(evaluations)


def _evaluation(  # noqa: PLR0913, PLR0917 - internal generator
    rubric: Rubric,
    cycle: AssessmentCycle,
    unit_id: str,
    diligence: float,
    rng: random.Random,
    assessed_on: date,
) -> Evaluation:
    observations: list[Observation] = []
    activities: list[Activity] = []
    for indicator in rubric.indicators():
        rule = indicator.rule
        if isinstance(rule, Frequency):
            activities += _activities(indicator, cycle, diligence, rng)
            continue
        assert isinstance(rule, ValueRule)  # noqa: S101 - the example uses no others
        raters = (
            ("考评组甲", "考评组乙") if isinstance(rule, DirectScore) else ("考评组甲",)
        )
        for rater in raters:
            value = _value(rule, indicator.max_points, diligence, rng)
            observations.append(
                Observation(
                    indicator.id,
                    value,
                    source=Source.TEAM,
                    rater=rater,
                    recorded_at=assessed_on,
                    evidence=(Evidence("document", f"台账/{unit_id}/{indicator.id}"),),
                )
            )
        if isinstance(rule, DirectScore) and rng.random() < 0.3:
            observations.append(
                Observation(
                    indicator.id,
                    _value(rule, indicator.max_points, min(1.0, diligence + 0.2), rng),
                    source=Source.DEPARTMENT,
                    rater="部门评议组",
                    recorded_at=assessed_on,
                )
            )
        if rng.random() < 0.1:
            observations.append(
                Observation(
                    indicator.id,
                    _value(rule, indicator.max_points, 1.0, rng),
                    source=Source.SELF,
                    rater=unit_id,
                    recorded_at=cycle.end,
                )
            )
    for bonus in rubric.bonus.indicators:
        if rng.random() < diligence * 0.15:
            observations.append(  # noqa: PERF401 - draws must stay in this order
                Observation(
                    bonus.id,
                    rng.randint(1, 2),
                    rater="考评组甲",
                    recorded_at=assessed_on,
                )
            )
    incidents = _incidents(cycle, diligence, rng)
    return Evaluation(unit_id, observations, activities, incidents)


def _value(  # noqa: PLR0911 - one return per rule kind
    rule: ValueRule, max_points: Fraction, diligence: float, rng: random.Random
) -> bool | int | Fraction:
    good = min(1.0, max(0.0, rng.gauss(diligence, 0.12)))
    if isinstance(rule, PassFail):
        return rng.random() < good + 0.15
    if isinstance(rule, DirectScore):
        return Fraction(round(good * float(max_points) * 10), 10)  # 0.1-point steps
    if isinstance(rule, RatioToTarget):
        return Fraction(
            round(min(100.0, float(rule.target) * (0.5 + good * 0.6)) * 10), 10
        )
    if isinstance(rule, Tiers):
        return round(good * 10)
    if isinstance(rule, DeductionPerOccurrence):
        return max(0, round((1 - good) * 4))
    if isinstance(rule, PointsPerOccurrence):
        return round(good * float(max_points / rule.per) * 1.1)
    if isinstance(rule, CountAtLeast):
        return round(good * rule.required * 1.1)
    msg = f"no example values for {rule!r}"
    raise TypeError(msg)


def _activities(
    indicator: Indicator, cycle: AssessmentCycle, diligence: float, rng: random.Random
) -> list[Activity]:
    rule = indicator.rule
    assert isinstance(rule, Frequency)  # noqa: S101 - caller checks
    found = []
    for period in cycle.sub_periods(rule.per):
        if rng.random() < diligence + 0.1:
            day = period.start + timedelta(days=rng.randrange(period.days))
            found.append(
                Activity(
                    indicator.id, day, title=f"{indicator.title}（{day.isoformat()}）"
                )
            )
    return found


def _incidents(
    cycle: AssessmentCycle, diligence: float, rng: random.Random
) -> list[Incident]:
    found = []
    day = cycle.start + timedelta(days=rng.randrange(cycle.days))
    if rng.random() < (1 - diligence) * 0.4:
        found.append(Incident("K1", day, note="班子成员被诫勉谈话"))
    if rng.random() < (1 - diligence) * 0.3:
        found.append(
            Incident(
                "K2",
                day,
                category=rng.choice(["乡科级", "一般干部", "其他人员"]),
                note="公车私用",
            )
        )
    if rng.random() < 0.012:
        found.append(Incident("V1", day, note="发生严重违纪案件"))
    return found

"""Demo data: the 2024 edition and a smaller 2022 archive edition.

The event facts (name, host, themes, dates, programme structure, report releases) follow
the public description of the forum. Everything else (speakers, rooms, session times,
talk titles) is invented for demonstration: each edition's `staff_notes` says so, and
every speaker's biography ends with "(Sample profile.)" / "（示例资料）".

`seed_demo()` is idempotent. An edition whose year already exists is skipped whole,
and speakers are found again by `seed_key`, so running it twice changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from forum.agenda.models import Room, Session, SessionKind, SpeakerRole, Talk, TalkKind, TalkSpeaker
from forum.editions.models import Edition
from forum.extensions import db
from forum.i18n import Translated
from forum.speakers.models import Speaker

__all__ = ["SeedReport", "seed_demo"]

TIMEZONE = "Asia/Shanghai"
SAMPLE_NOTE = "Sample data: speakers, session times and rooms are invented for demonstration."

# An English and a Chinese text, in that order.
Pair = tuple[str, str]

HOST = SpeakerRole.HOST
MODERATOR = SpeakerRole.MODERATOR
PANELIST = SpeakerRole.PANELIST
SPEAKER = SpeakerRole.SPEAKER


@dataclass(frozen=True)
class SeedReport:
    """What one call of `seed_demo` created."""

    created_editions: list[int] = field(default_factory=list)
    created_speakers: int = 0


# --------------------------------------------------------------------------- seed shapes


@dataclass(frozen=True)
class _SpeakerSeed:
    key: str
    given_name: str
    family_name: str
    name_zh: str | None
    country: str
    honorific: Pair | None
    position: Pair
    affiliation: Pair
    bio: Pair
    family_name_first: bool = False
    published: bool = True


@dataclass(frozen=True)
class _TalkSeed:
    kind: TalkKind
    start: str
    end: str
    title: Pair
    people: tuple[tuple[str, SpeakerRole], ...]
    summary: Pair | None = None


@dataclass(frozen=True)
class _SessionSeed:
    code: str
    kind: SessionKind
    day: int  # 0 for the edition's first day
    start: str
    end: str
    room: str | None
    title: Pair
    summary: Pair
    talks: tuple[_TalkSeed, ...] = ()
    capacity: int | None = None
    published: bool = True


@dataclass(frozen=True)
class _EditionSeed:
    year: int
    is_current: bool
    starts_on: date
    ends_on: date
    venue: Pair
    special_theme: Pair
    introduction: Pair
    registration_opens: tuple[date, str]
    registration_closes: tuple[date, str]
    rooms: tuple[tuple[str, Pair, int], ...]
    sessions: tuple[_SessionSeed, ...]


def _chinese(
    key: str,
    given_name: str,
    family_name: str,
    name_zh: str,
    honorific: Pair | None,
    position: Pair,
    affiliation: Pair,
    bio: Pair,
    *,
    published: bool = True,
) -> _SpeakerSeed:
    """A speaker from mainland China: pinyin name written family name first."""
    return _SpeakerSeed(
        key,
        given_name,
        family_name,
        name_zh,
        "CN",
        honorific,
        position,
        affiliation,
        bio,
        family_name_first=True,
        published=published,
    )


PROF: Pair = ("Prof.", "教授")
DR: Pair = ("Dr", "博士")

CASS_POLITICS: Pair = (
    "Institute of Political Science, Chinese Academy of Social Sciences",
    "中国社会科学院政治学研究所",
)
HOTLINE_CENTRE: Pair = (
    "Beijing 12345 Citizen Service Hotline Centre",
    "北京12345市民服务热线中心",
)
GOVERNANCE_INSTITUTE: Pair = ("Capital Institute of Governance", "首都治理研究院")
ORGANIZERS: Pair = (
    "Beijing Forum on Swift Response to Public Complaints",
    "北京接诉即办论坛",
)

# ------------------------------------------------------------------------------ speakers

_SPEAKERS: tuple[_SpeakerSeed, ...] = (
    # Chinese speakers (family name first in the Latin name too).
    _chinese(
        "s2024-01",
        "Wei",
        "Zhang",
        "张伟",
        None,
        ("Director of the Organizing Office", "组委会办公室主任"),
        ORGANIZERS,
        (
            "Zhang Wei has coordinated the forum's programme since its first edition and "
            "hosts its ceremonies. (Sample profile.)",
            "张伟自论坛首届举办起负责统筹议程，并担任开闭幕式主持人。（示例资料）",
        ),
    ),
    _chinese(
        "s2024-02",
        "Xiuying",
        "Ouyang",
        "欧阳秀英",
        DR,
        ("Research Fellow", "研究员"),
        CASS_POLITICS,
        (
            "Ouyang Xiuying studies responsive government and leads the institute's research "
            "on swift response to public complaints. (Sample profile.)",
            "欧阳秀英长期研究回应型政府，主持政治学研究所接诉即办相关课题。（示例资料）",
        ),
    ),
    _chinese(
        "s2024-03",
        "Jing",
        "Chen",
        "陈静",
        PROF,
        ("Professor of Public Administration", "公共管理学教授"),
        ("School of Government, Capital Institute of Governance", "首都治理研究院政府管理学院"),
        (
            "Chen Jing writes on megacity governance and citizen feedback. Her recent work "
            "compares hotline systems in Asian capitals. (Sample profile.)",
            "陈静主要研究超大城市治理与民意反馈机制，近年来致力于亚洲各国首都城市热线的"
            "比较研究。（示例资料）",
        ),
    ),
    _chinese(
        "s2024-04",
        "Ming",
        "Li",
        "李明",
        None,
        ("Deputy Director", "副主任"),
        HOTLINE_CENTRE,
        (
            "Li Ming has worked on the 12345 hotline since Beijing's service lines were merged "
            "into one number, and now oversees call quality. (Sample profile.)",
            "李明自北京各类政务服务热线整合之初即投身12345热线工作，现负责接诉质量管理。"
            "（示例资料）",
        ),
    ),
    _chinese(
        "s2024-05",
        "Fang",
        "Wang",
        "王芳",
        None,
        ("Party Secretary, Xinghe Community", "星河社区党委书记"),
        ("Chaoyang District, Beijing", "北京市朝阳区"),
        (
            "Wang Fang has served her community for fifteen years and turns residents' calls "
            "into neighbourhood projects. (Sample profile.)",
            "王芳扎根社区工作十五年，善于把居民的来电诉求转化为社区治理项目。（示例资料）",
        ),
    ),
    _chinese(
        "s2024-06",
        "Yang",
        "Liu",
        "刘洋",
        DR,
        ("Chief Data Officer", "首席数据官"),
        ("Jingcheng Smart City Laboratory", "京城智慧城市实验室"),
        (
            "Liu Yang designs the data platforms that route citizens' requests to the right "
            "department and show where problems recur. (Sample profile.)",
            "刘洋负责设计市民诉求数据平台，让诉求精准派送到责任部门，并找出反复出现的问题。"
            "（示例资料）",
        ),
    ),
    _chinese(
        "s2024-07",
        "Lei",
        "Zhao",
        "赵磊",
        PROF,
        ("Professor of Urban Planning", "城市规划学教授"),
        ("Capital University of Urban Studies", "首都城市学院"),
        (
            "Zhao Lei has taken part in planning several of Beijing's new districts and "
            "teaches planning with residents rather than for them. (Sample profile.)",
            "赵磊参与过北京多个新区的规划工作，主张规划要与居民一起做，而不只是替居民做。"
            "（示例资料）",
        ),
    ),
    _chinese(
        "s2024-08",
        "Li",
        "Sun",
        "孙丽",
        DR,
        ("Senior Researcher", "高级研究员"),
        (
            "Centre for Beijing–Tianjin–Hebei Coordinated Development Studies",
            "京津冀协同发展研究中心",
        ),
        (
            "Sun Li researches how public services follow people who live in one city and "
            "work in another. (Sample profile.)",
            "孙丽关注跨城居住、跨城工作人群的公共服务保障问题。（示例资料）",
        ),
    ),
    _chinese(
        "s2024-09",
        "Qiang",
        "Zhou",
        "周强",
        None,
        ("Resident volunteer", "居民志愿者"),
        ("Dongcheng District, Beijing", "北京市东城区"),
        (
            "A retired teacher, Zhou Qiang has called 12345 about everything from a broken "
            "street light to a lost cat, and now helps his neighbours do the same. "
            "(Sample profile.)",
            "周强是一名退休教师，从路灯不亮到小猫走失都打过12345，如今还热心帮邻居反映诉求。"
            "（示例资料）",
        ),
    ),
    _chinese(
        "s2024-10",
        "Xiaohong",
        "Wu",
        "吴晓红",
        None,
        ("Senior Hotline Operator", "资深话务员"),
        HOTLINE_CENTRE,
        (
            "Wu Xiaohong has answered calls on the 12345 line for nine years, most of them on "
            "the night shift. (Sample profile.)",
            "吴晓红在12345热线接听电话已有九年，大部分时间值守夜班。（示例资料）",
        ),
    ),
    _chinese(
        "s2024-11",
        "Hao",
        "Zheng",
        "郑浩",
        None,
        ("Deputy Director-General", "副局长"),
        (
            "Beijing Municipal Administration of Government Services and Data Management",
            "北京市政务服务和数据管理局",
        ),
        (
            "Zheng Hao works on the reform that merged the city's service hotlines and on "
            "making government data serve residents. (Sample profile.)",
            "郑浩参与了全市政务服务热线归并改革，致力于让政务数据更好地服务市民。（示例资料）",
        ),
    ),
    _chinese(
        "s2024-12",
        "Min",
        "Huang",
        "黄敏",
        None,
        ("Senior Correspondent", "高级记者"),
        ("Beijing Office, China Media Group", "中央广播电视总台北京总站"),
        (
            "Huang Min reports on city life and public services in Beijing and has hosted "
            "many live programmes on residents' concerns. (Sample profile.)",
            "黄敏长期报道北京城市生活与公共服务，主持过多档关注民生的直播节目。（示例资料）",
        ),
    ),
    _chinese(
        "s2024-13",
        "Zhiyuan",
        "Chen",
        "陈志远",
        PROF,
        ("Professor of Regional Economics", "区域经济学教授"),
        ("Northern Institute of Regional Economics", "北方区域经济研究院"),
        (
            "Chen Zhiyuan studies city regions and the division of functions between a "
            "capital and its neighbours. (Sample profile.)",
            "陈志远主要研究城市群发展以及首都与周边城市的功能分工。（示例资料）",
        ),
    ),
    _chinese(
        "s2024-14",
        "Yue",
        "Lin",
        "林悦",
        DR,
        ("Associate Professor of Digital Governance", "数字治理副教授"),
        ("Northern Polytechnic University", "北方理工大学"),
        (
            "Lin Yue works on algorithms in public administration and how to keep them "
            "accountable to the people they serve. (Sample profile.)",
            "林悦研究公共管理中的算法应用，关注如何让算法对公众负责。（示例资料）",
        ),
    ),
    _chinese(
        "s2024-15",
        "Jun",
        "Xu",
        "徐军",
        None,
        ("Chief Planner", "总规划师"),
        ("Beijing Sub-Centre Planning Institute", "北京城市副中心规划研究院"),
        (
            "Xu Jun leads planning teams for the city sub-centre and reads residents' appeals "
            "as a guide to what plans get wrong. (Sample profile.)",
            "徐军带领城市副中心规划团队，把居民诉求当作检验规划得失的一面镜子。（示例资料）",
        ),
    ),
    _chinese(
        "s2024-16",
        "Lina",
        "Ma",
        "马丽娜",
        None,
        ("Director", "主任"),
        ("Sunshine Neighbourhood Social Work Centre", "阳光邻里社会工作服务中心"),
        (
            "Ma Lina runs a social work centre that helps older residents and new arrivals "
            "take part in community decisions. (Sample profile.)",
            "马丽娜负责一家社会工作服务中心，帮助老年居民和新市民参与社区议事。（示例资料）",
        ),
    ),
    _chinese(
        "s2024-17",
        "Tao",
        "Guo",
        "郭涛",
        None,
        ("Head of Cross-Regional Services", "跨区域服务处处长"),
        ("Hebei Provincial Government Service Hotline Centre", "河北省政务服务热线中心"),
        (
            "Guo Tao coordinates appeals that cross the border between Hebei, Beijing and "
            "Tianjin. (Sample profile.)",
            "郭涛负责协调办理涉及冀京津三地的跨区域诉求。（示例资料）",
        ),
    ),
    _chinese(
        "s2024-18",
        "Xiaoyu",
        "Zhang",
        "张晓雨",
        DR,
        ("Postdoctoral Researcher", "博士后研究人员"),
        CASS_POLITICS,
        (
            "Zhang Xiaoyu is a co-author of the global evaluation of city hotlines and "
            "studies how residents judge public services. (Sample profile.)",
            "张晓雨是全球城市热线评估报告的作者之一，研究市民如何评价公共服务。（示例资料）",
        ),
    ),
    _chinese(
        "s2024-19",
        "Yan",
        "Shangguan",
        "上官燕",
        DR,
        ("Head of Case Research", "案例研究部主任"),
        GOVERNANCE_INSTITUTE,
        (
            "Shangguan Yan collects and analyses cases of urban governance from Chinese and "
            "foreign cities. (Sample profile.)",
            "上官燕负责收集和分析国内外城市治理案例。（示例资料）",
        ),
    ),
    _chinese(
        "s2024-20",
        "Jianguo",
        "He",
        "何建国",
        PROF,
        ("Senior Adviser", "高级顾问"),
        GOVERNANCE_INSTITUTE,
        (
            "He Jianguo has advised on public service reform in Beijing for three decades. "
            "(Sample profile.)",
            "何建国三十年来一直为北京公共服务改革建言献策。（示例资料）",
        ),
    ),
    # International speakers.
    _SpeakerSeed(
        "s2024-21",
        "Margaret",
        "Ellis",
        "玛格丽特·埃利斯",
        "GB",
        PROF,
        ("Professor of Urban Governance", "城市治理学教授"),
        ("University of Westbridge", "韦斯特布里奇大学"),
        (
            "Margaret Ellis compares how large cities listen to their residents, from London "
            "boroughs to Asian megacities. (Sample profile.)",
            "玛格丽特·埃利斯从事城市倾听民意机制的比较研究，研究对象从伦敦各区延伸到亚洲"
            "超大城市。（示例资料）",
        ),
    ),
    _SpeakerSeed(
        "s2024-22",
        "Daniel",
        "Rivera",
        None,
        "US",
        PROF,
        ("Professor of Public Affairs", "公共事务学教授"),
        ("Lakeshore University", "湖岸大学"),
        (
            "Daniel Rivera studied 311 service lines in American cities for twenty years. "
            "(Sample profile.)",
            "丹尼尔·里韦拉研究美国城市311服务热线已有二十年。（示例资料）",
        ),
    ),
    _SpeakerSeed(
        "s2024-23",
        "Zoë",
        "Laurent",
        "佐伊·洛朗",
        "FR",
        DR,
        ("Research Director", "研究主任"),
        ("Institute for Liveable Cities, Lyon", "里昂宜居城市研究所"),
        (
            "Zoë Laurent measures the quality of public services and co-authored the global "
            "evaluation of city hotlines. (Sample profile.)",
            "佐伊·洛朗从事公共服务质量评估，是全球城市热线评估报告的合著者。（示例资料）",
        ),
    ),
    _SpeakerSeed(
        "s2024-24",
        "Klaus",
        "Müller",
        "克劳斯·米勒",
        "DE",
        DR,
        ("Former Head of Digital Services", "原数字服务负责人"),
        ("City of Rheinfeld", "莱茵费尔德市"),
        (
            "Klaus Müller brought his city's services online and now advises municipalities "
            "across Europe. (Sample profile.)",
            "克劳斯·米勒曾主持所在城市的公共服务上线工作，现为欧洲多个城市提供咨询。（示例资料）",
        ),
    ),
    _SpeakerSeed(
        "s2024-25",
        "Mei Ling",
        "Tan",
        "陈美玲",
        "SG",
        None,
        ("Senior Fellow", "高级研究员"),
        ("Lion City Centre for Public Service Innovation", "狮城公共服务创新中心"),
        (
            "Tan Mei Ling worked on Singapore's one-stop app for reporting municipal issues. "
            "(Sample profile.)",
            "陈美玲曾参与新加坡市政问题“一站式”反映应用的建设。（示例资料）",
        ),
        family_name_first=True,  # written "Tan Mei Ling", as in Singapore
    ),
    _SpeakerSeed(
        "s2024-26",
        "Seo-yeon",
        "Park",
        "朴瑞妍",
        "KR",
        DR,
        ("Senior Researcher", "高级研究员"),
        ("Hangang Civic Innovation Lab", "汉江市民创新实验室"),
        (
            "Park Seo-yeon studies citizen call centres in Korean cities and their use of "
            "artificial intelligence. (Sample profile.)",
            "朴瑞妍研究韩国城市的市民呼叫中心及其人工智能应用。（示例资料）",
        ),
        family_name_first=True,  # written "Park Seo-yeon", as in Korea
    ),
    _SpeakerSeed(
        "s2024-27",
        "Yuki",
        "Tanaka",
        "田中由纪",
        "JP",
        PROF,
        ("Professor of Policy Studies", "政策学教授"),
        ("Kansai Metropolitan University", "关西都市大学"),
        (
            "Yuki Tanaka works on performance measurement in local government. (Sample profile.)",
            "田中由纪主要研究地方政府绩效评估。（示例资料）",
        ),
    ),
    _SpeakerSeed(
        "s2024-28",
        "Amina",
        "Wanjiru",
        None,
        "KE",
        None,
        ("Executive Director", "执行主任"),
        ("Urban Futures Kenya", "肯尼亚城市未来组织"),
        (
            "Amina Wanjiru builds civic technology that lets residents of informal settlements "
            "report problems by text message. (Sample profile.)",
            "阿米娜·万吉鲁致力于开发公民科技工具，让非正规居住区的居民能通过短信反映问题。"
            "（示例资料）",
        ),
    ),
    _SpeakerSeed(
        "s2024-29",
        "José Carlos",
        "Silva",
        "若泽·卡洛斯·席尔瓦",
        "BR",
        PROF,
        ("Professor of Political Science", "政治学教授"),
        ("Federal University of Serra Azul", "塞拉阿祖尔联邦大学"),
        (
            "José Carlos Silva is an authority on participatory budgeting in Brazilian cities. "
            "(Sample profile.)",
            "若泽·卡洛斯·席尔瓦是研究巴西城市参与式预算的知名学者。（示例资料）",
        ),
    ),
    _SpeakerSeed(
        "s2024-30",
        "Dmitry",
        "Volkov",
        "德米特里·沃尔科夫",
        "RU",
        DR,
        ("Director", "主任"),
        ("Centre for Metropolitan Studies, St Petersburg", "圣彼得堡大都市研究中心"),
        (
            "Dmitry Volkov studies the growth of Eurasian megacities and their public "
            "services. (Sample profile.)",
            "德米特里·沃尔科夫研究欧亚超大城市的发展及其公共服务。（示例资料）",
        ),
    ),
    _SpeakerSeed(
        "s2024-31",
        "Ahmed",
        "Hassan",
        "艾哈迈德·哈桑",
        "EG",
        DR,
        ("Senior Fellow", "高级研究员"),
        ("Nile Institute for Public Policy", "尼罗河公共政策研究所"),
        (
            "Ahmed Hassan advises on governing city regions that have outgrown their "
            "institutions. (Sample profile.)",
            "艾哈迈德·哈桑为规模扩张快于管理体制的城市区域治理提供咨询。（示例资料）",
        ),
    ),
    _SpeakerSeed(
        "s2024-32",
        "Sarah",
        "O'Connor",
        None,
        "IE",
        None,
        ("Asia Correspondent", "亚洲记者"),
        ("The Dublin Review of Cities", "《都柏林城市评论》"),
        (
            "Sarah O'Connor has reported from Beijing since 2016 and writes about everyday "
            "life in Chinese cities. (Sample profile.)",
            "莎拉·奥康纳自2016年起在北京从事报道，关注中国城市的日常生活。（示例资料）",
        ),
    ),
    _SpeakerSeed(
        "s2024-33",
        "Björn",
        "Lindqvist",
        "比约恩·林德奎斯特",
        "SE",
        None,
        ("Chief Digital Officer", "首席数字官"),
        ("Nordic Cities Network", "北欧城市网络"),
        (
            "Björn Lindqvist leads digital twin projects in several Nordic cities. "
            "(Sample profile.)",
            "比约恩·林德奎斯特在多个北欧城市主持数字孪生项目。（示例资料）",
        ),
    ),
    _SpeakerSeed(
        "s2024-34",
        "Lucía",
        "Fernández",
        None,
        "ES",
        DR,
        ("Urban Planner", "城市规划师"),
        ("Barrios Vivos Cooperative", "活力街区合作社"),
        (
            "Lucía Fernández works with neighbourhood councils in Spanish cities on shared "
            "service centres. (Sample profile.)",
            "露西娅·费尔南德斯与西班牙多个城市的街区议事会合作建设社区综合服务中心。（示例资料）",
        ),
    ),
    _SpeakerSeed(
        "s2024-35",
        "Michael",
        "Brown",
        "布明远",
        "US",
        None,
        ("English teacher", "英语教师"),
        ("Dongcheng District, Beijing", "北京市东城区"),
        (
            "Michael Brown has lived in a Beijing hutong since 2012 and goes by the Chinese "
            "name Bu Mingyuan. (Sample profile.)",
            "布明远（Michael Brown）自2012年起住在北京的胡同里，“布明远”是他给自己取的中文名。"
            "（示例资料）",
        ),
    ),
    _SpeakerSeed(
        "s2024-36",
        "Chiara",
        "Rossi",
        "罗琪",
        "IT",
        None,
        ("Restaurant owner", "餐厅店主"),
        ("Sanlitun, Chaoyang District", "朝阳区三里屯"),
        (
            "Chiara Rossi opened a small Italian restaurant in Beijing in 2018. (Sample profile.)",
            "罗琪2018年在北京开了一家意大利小餐馆。（示例资料）",
        ),
    ),
    _SpeakerSeed(
        "s2024-37",
        "Kwame",
        "Mensah",
        "夸梅·门萨",
        "GH",
        DR,
        ("Programme Director", "项目主任"),
        ("African Urban Governance Forum", "非洲城市治理论坛"),
        (
            "Kwame Mensah connects city administrations in Africa and Asia to exchange "
            "practice. (Sample profile.)",
            "夸梅·门萨致力于推动非洲与亚洲城市管理部门之间的经验交流。（示例资料）",
        ),
    ),
    _SpeakerSeed(
        "s2024-38",
        "Aarav",
        "Sharma",
        None,
        "IN",
        DR,
        ("Lead Data Scientist", "首席数据科学家"),
        ("CivicSignal Labs", "市民信号实验室"),
        (
            "Aarav Sharma builds models that forecast where residents' complaints will arise. "
            "(Sample profile.)",
            "阿拉夫·夏尔马开发预测模型，预判市民诉求可能集中出现的地方。（示例资料）",
        ),
    ),
    _SpeakerSeed(
        "s2024-39",
        "Oliver",
        "Bennett",
        "奥利弗·贝内特",
        "AU",
        None,
        ("Principal Consultant, Smart Cities", "智慧城市首席顾问"),
        ("Southern Cross Urban Advisory", "南十字城市咨询公司"),
        (
            "Oliver Bennett advises Australian and Asian cities on housing and transport "
            "data. (Sample profile.)",
            "奥利弗·贝内特为澳大利亚和亚洲城市提供住房与交通数据方面的咨询。（示例资料）",
        ),
    ),
    # Only in the unpublished rehearsal session; never shown to visitors.
    _chinese(
        "s2024-hidden",
        "Feng",
        "Gao",
        "高峰",
        None,
        ("Rehearsal stand-in", "彩排替身"),
        ORGANIZERS,
        (
            "Stands in for speakers at the technical rehearsal. (Sample profile.)",
            "在技术彩排中代替嘉宾走位。（示例资料）",
        ),
        published=False,
    ),
    # Speakers of the 2022 edition only.
    _chinese(
        "s2022-01",
        "Jianhua",
        "Wang",
        "王建华",
        None,
        ("Vice-Chair of the Organizing Committee", "组委会副主任"),
        ORGANIZERS,
        (
            "Wang Jianhua opened and closed the 2022 forum on behalf of the organizers. "
            "(Sample profile.)",
            "王建华代表组委会为2022年论坛致开幕辞和闭幕辞。（示例资料）",
        ),
    ),
    _SpeakerSeed(
        "s2022-02",
        "Anna",
        "Kowalska",
        "安娜·科瓦尔斯卡",
        "PL",
        DR,
        ("Researcher in e-Government", "电子政务研究员"),
        ("Vistula Institute of Public Administration", "维斯瓦公共管理研究所"),
        (
            "Anna Kowalska studies online public services in Central European cities. "
            "(Sample profile.)",
            "安娜·科瓦尔斯卡研究中欧城市的在线公共服务。（示例资料）",
        ),
    ),
    _SpeakerSeed(
        "s2022-03",
        "Samuel",
        "Okafor",
        None,
        "NG",
        PROF,
        ("Professor of Urban Sociology", "城市社会学教授"),
        ("Lagoon City University", "泻湖城大学"),
        (
            "Samuel Okafor writes about neighbourhood associations in West African cities. "
            "(Sample profile.)",
            "塞缪尔·奥卡福研究西非城市的街区自治组织。（示例资料）",
        ),
    ),
)

_SPEAKERS_BY_KEY: dict[str, _SpeakerSeed] = {seed.key: seed for seed in _SPEAKERS}

# --------------------------------------------------------------------------- shared text

FORUM_NAME: Pair = ("Beijing Forum on Swift Response to Public Complaints", "北京接诉即办论坛")
PERMANENT_THEME: Pair = ("People's City, Better Future", "人民城市，美好未来")
CITY: Pair = ("Beijing", "北京")
VENUE: Pair = (
    "Beijing International Convention Center (sample)",
    "北京国际会议中心（示例）",
)


def _opening_remarks(moderator: str, start: str, end: str) -> _TalkSeed:
    """The moderator's short welcome that starts every sub-forum."""
    return _TalkSeed(
        TalkKind.ADDRESS,
        start,
        end,
        ("Opening remarks", "开场致辞"),
        ((moderator, MODERATOR),),
    )


# ---------------------------------------------------------------------------- 2024 edition

_ROOMS_2024: tuple[tuple[str, Pair, int], ...] = (
    ("main-hall", ("Main Hall", "主会场"), 1500),
    ("hall-1", ("Conference Hall 1", "第一会议厅"), 400),
    ("hall-2", ("Conference Hall 2", "第二会议厅"), 300),
    ("hall-3", ("Conference Hall 3", "第三会议厅"), 300),
    ("hall-4", ("Conference Hall 4", "第四会议厅"), 250),
    ("hall-5", ("Conference Hall 5", "第五会议厅"), 350),
    ("hall-6", ("Conference Hall 6", "第六会议厅"), 200),
)

_SESSIONS_2024: tuple[_SessionSeed, ...] = (
    _SessionSeed(
        "rehearsal",
        SessionKind.OTHER,
        0,
        "07:30",
        "08:30",
        "main-hall",
        ("Technical Rehearsal", "技术彩排"),
        ("Internal run-through for staff; not public.", "工作人员内部彩排，不对外公开。"),
        talks=(
            _TalkSeed(
                TalkKind.OTHER,
                "07:30",
                "08:30",
                ("Stage and sound check", "舞台与音响调试"),
                (("s2024-hidden", HOST),),
            ),
        ),
        published=False,
    ),
    _SessionSeed(
        "opening",
        SessionKind.OPENING,
        0,
        "09:00",
        "09:40",
        "main-hall",
        ("Opening Ceremony", "开幕式"),
        (
            "The forum opens with addresses from the host and from guests at home and abroad.",
            "论坛开幕，主办方及中外嘉宾致辞。",
        ),
        talks=(
            _TalkSeed(
                TalkKind.OTHER,
                "09:00",
                "09:05",
                ("Opening of the forum", "宣布论坛开幕"),
                (("s2024-01", HOST),),
            ),
            _TalkSeed(
                TalkKind.ADDRESS,
                "09:05",
                "09:20",
                ("Welcome address", "欢迎致辞"),
                (("s2024-11", SPEAKER),),
            ),
            _TalkSeed(
                TalkKind.ADDRESS,
                "09:20",
                "09:30",
                ("Address on behalf of the research partners", "研究合作方代表致辞"),
                (("s2024-02", SPEAKER),),
            ),
            _TalkSeed(
                TalkKind.ADDRESS,
                "09:30",
                "09:40",
                ("Address on behalf of international guests", "国际嘉宾代表致辞"),
                (("s2024-21", SPEAKER),),
            ),
        ),
    ),
    _SessionSeed(
        "main-forum",
        SessionKind.MAIN,
        0,
        "09:50",
        "12:00",
        "main-hall",
        ("Main Forum", "主论坛"),
        (
            "Keynote speeches, the release of the forum's key findings and a high-level "
            "dialogue on people-centred governance in megacities.",
            "主旨演讲，发布论坛重要成果，并围绕以人民为中心的超大城市治理开展高端对话。",
        ),
        talks=(
            _TalkSeed(
                TalkKind.KEYNOTE,
                "09:50",
                "10:10",
                (
                    "Listening at scale: what 150 million appeals teach a megacity",
                    "倾听的规模：一亿五千万件诉求给超大城市的启示",
                ),
                (("s2024-12", HOST), ("s2024-03", SPEAKER)),
            ),
            _TalkSeed(
                TalkKind.KEYNOTE,
                "10:10",
                "10:30",
                (
                    "Responsive cities: lessons from thirty years of 311 lines",
                    "回应型城市：美国311热线三十年的经验",
                ),
                (("s2024-22", SPEAKER),),
            ),
            _TalkSeed(
                TalkKind.REPORT,
                "10:30",
                "10:45",
                (
                    "Release of theoretical research findings on urban governance",
                    "城市治理理论研究成果发布",
                ),
                (("s2024-02", SPEAKER),),
                summary=(
                    "What Beijing's swift response reform adds to the theory of responsive, "
                    "people-centred government.",
                    "阐释北京接诉即办改革对以人民为中心的回应型政府理论的贡献。",
                ),
            ),
            _TalkSeed(
                TalkKind.REPORT,
                "10:45",
                "11:00",
                ("Release of exemplary urban governance cases", "城市治理典型案例发布"),
                (("s2024-19", SPEAKER),),
                summary=(
                    "Cases from Chinese and foreign cities where residents' appeals led to "
                    "lasting improvements.",
                    "发布国内外城市以市民诉求推动长效治理的典型案例。",
                ),
            ),
            _TalkSeed(
                TalkKind.REPORT,
                "11:00",
                "11:15",
                (
                    "Release of the Global Evaluation Report on Urban Hotline Services and "
                    "Governance Efficiency",
                    "全球城市热线服务与治理效能评估报告发布",
                ),
                (("s2024-18", SPEAKER), ("s2024-23", SPEAKER)),
                summary=(
                    "How city hotlines around the world perform on access, speed, resolution "
                    "and satisfaction.",
                    "从接通率、响应速度、解决率和满意度等方面评估全球城市热线的服务表现。",
                ),
            ),
            _TalkSeed(
                TalkKind.PANEL,
                "11:15",
                "12:00",
                (
                    "High-level dialogue: modernizing megacity governance for the people",
                    "高端对话：以人民为中心推进超大城市治理现代化",
                ),
                (
                    ("s2024-12", MODERATOR),
                    ("s2024-24", PANELIST),
                    ("s2024-25", PANELIST),
                    ("s2024-29", PANELIST),
                ),
            ),
        ),
    ),
    _SessionSeed(
        "lunch-1",
        SessionKind.BREAK,
        0,
        "12:00",
        "13:30",
        None,
        ("Lunch Break", "午餐"),
        ("Lunch for registered participants.", "为已报名参会者提供午餐。"),
    ),
    _SessionSeed(
        "sub-forum-1",
        SessionKind.SUB_FORUM,
        0,
        "14:00",
        "17:30",
        "hall-1",
        ("Sub-forum 1: Digitalizing Urban Governance", "分论坛一：城市治理数字化"),
        (
            "How data, platforms and artificial intelligence help a city hear and answer its "
            "residents faster.",
            "探讨数据、平台和人工智能如何帮助城市更快地倾听和回应市民诉求。",
        ),
        capacity=300,
        talks=(
            _opening_remarks("s2024-14", "14:00", "14:10"),
            _TalkSeed(
                TalkKind.KEYNOTE,
                "14:10",
                "14:40",
                (
                    "From data to decisions: the digital backbone of a 24/7 hotline",
                    "从数据到决策：全天候热线的数字底座",
                ),
                (("s2024-06", SPEAKER),),
            ),
            _TalkSeed(
                TalkKind.SPEECH,
                "14:40",
                "15:10",
                ("Digital twins for city services in the Nordics", "北欧城市公共服务中的数字孪生"),
                (("s2024-33", SPEAKER),),
            ),
            _TalkSeed(
                TalkKind.CASE_STUDY,
                "15:10",
                "15:40",
                (
                    "Answering before the call: forecasting residents' complaints",
                    "未诉先办：市民诉求的预测与主动治理",
                ),
                (("s2024-38", SPEAKER),),
            ),
            _TalkSeed(
                TalkKind.PANEL,
                "15:50",
                "17:30",
                ("Panel: algorithms, privacy and public trust", "圆桌讨论：算法、隐私与公众信任"),
                (
                    ("s2024-14", MODERATOR),
                    ("s2024-06", PANELIST),
                    ("s2024-26", PANELIST),
                    ("s2024-33", PANELIST),
                ),
            ),
        ),
    ),
    _SessionSeed(
        "sub-forum-2",
        SessionKind.SUB_FORUM,
        0,
        "14:00",
        "17:30",
        "hall-2",
        (
            "Sub-forum 2: Integrated Urban Services and Citizen Participation",
            "分论坛二：城市综合服务与公众参与",
        ),
        (
            "One-stop services and the many ways residents take part in running their "
            "neighbourhoods.",
            "聚焦“一站式”城市综合服务，以及居民参与社区治理的多种途径。",
        ),
        capacity=250,
        talks=(
            _opening_remarks("s2024-16", "14:00", "14:10"),
            _TalkSeed(
                TalkKind.KEYNOTE,
                "14:10",
                "14:40",
                (
                    "Neighbourhood councils and one-stop service centres in Spanish cities",
                    "西班牙城市的街区议事会与一站式服务中心",
                ),
                (("s2024-34", SPEAKER),),
            ),
            _TalkSeed(
                TalkKind.CASE_STUDY,
                "14:40",
                "15:10",
                (
                    "When the community calls, departments respond: a case from Xinghe",
                    "“社区吹哨、部门报到”：星河社区的实践",
                ),
                (("s2024-05", SPEAKER),),
            ),
            _TalkSeed(
                TalkKind.SPEECH,
                "15:10",
                "15:40",
                ("Civic technology and the right to be heard", "公民科技与表达诉求的权利"),
                (("s2024-28", SPEAKER),),
            ),
            _TalkSeed(
                TalkKind.DIALOGUE,
                "15:50",
                "17:30",
                ("Dialogue: residents and officials at one table", "对话：居民与干部同坐一桌"),
                (
                    ("s2024-16", MODERATOR),
                    ("s2024-05", SPEAKER),
                    ("s2024-11", SPEAKER),
                    ("s2024-34", SPEAKER),
                ),
            ),
        ),
    ),
    _SessionSeed(
        "sub-forum-3",
        SessionKind.SUB_FORUM,
        0,
        "14:00",
        "17:30",
        "hall-3",
        ("Sub-forum 3: Metropolitan Development", "分论坛三：超大城市发展"),
        (
            "Planning, housing and mobility in a city of twenty million people, seen through "
            "what its residents ask for.",
            "从市民诉求出发，审视两千万人口城市的规划、住房与交通。",
        ),
        capacity=200,
        talks=(
            _opening_remarks("s2024-07", "14:00", "14:10"),
            _TalkSeed(
                TalkKind.KEYNOTE,
                "14:10",
                "14:40",
                ("Megacities and the limits of growth", "超大城市与增长的边界"),
                (("s2024-30", SPEAKER),),
            ),
            _TalkSeed(
                TalkKind.SPEECH,
                "14:40",
                "15:10",
                ("Planning the city sub-centre for its people", "为人民规划城市副中心"),
                (("s2024-15", SPEAKER),),
            ),
            _TalkSeed(
                TalkKind.CASE_STUDY,
                "15:10",
                "15:40",
                (
                    "Housing, transit and complaints: reading a city through its hotline",
                    "住房、交通与诉求：从热线读懂一座城市",
                ),
                (("s2024-39", SPEAKER),),
            ),
            _TalkSeed(
                TalkKind.PANEL,
                "15:50",
                "17:30",
                ("Panel: a liveable megacity for everyone", "圆桌讨论：人人宜居的超大城市"),
                (
                    ("s2024-07", MODERATOR),
                    ("s2024-30", PANELIST),
                    ("s2024-15", PANELIST),
                    ("s2024-37", PANELIST),
                ),
            ),
        ),
    ),
    _SessionSeed(
        "sub-forum-4",
        SessionKind.SUB_FORUM,
        0,
        "14:00",
        "17:30",
        "hall-4",
        ("Sub-forum 4: Regional Coordination", "分论坛四：区域协同发展"),
        (
            "Sharing public services and complaint handling across the Beijing–Tianjin–Hebei "
            "region and other city regions.",
            "探讨京津冀及其他城市群如何共享公共服务、协同办理群众诉求。",
        ),
        capacity=200,
        talks=(
            _opening_remarks("s2024-08", "14:00", "14:10"),
            _TalkSeed(
                TalkKind.KEYNOTE,
                "14:10",
                "14:40",
                (
                    "Beijing–Tianjin–Hebei: public services without borders",
                    "京津冀：公共服务无边界",
                ),
                (("s2024-13", SPEAKER),),
            ),
            _TalkSeed(
                TalkKind.CASE_STUDY,
                "14:40",
                "15:10",
                (
                    "One call across three jurisdictions: linking regional hotlines",
                    "一个电话办三地事：区域热线联动",
                ),
                (("s2024-17", SPEAKER),),
            ),
            _TalkSeed(
                TalkKind.SPEECH,
                "15:10",
                "15:40",
                (
                    "Greater Cairo: governing a region that grew faster than its institutions",
                    "大开罗：当城市扩张快于治理体制",
                ),
                (("s2024-31", SPEAKER),),
            ),
            _TalkSeed(
                TalkKind.DIALOGUE,
                "15:50",
                "17:30",
                ("Dialogue: sharing services, sharing responsibility", "对话：服务共享，责任共担"),
                (
                    ("s2024-08", MODERATOR),
                    ("s2024-13", SPEAKER),
                    ("s2024-17", SPEAKER),
                    ("s2024-31", SPEAKER),
                ),
            ),
        ),
    ),
    _SessionSeed(
        "sub-forum-5",
        SessionKind.SUB_FORUM,
        0,
        "14:00",
        "17:30",
        "hall-5",
        (
            "Sub-forum 5: Hotline Services and Governance Efficiency",
            "分论坛五：热线服务与治理效能",
        ),
        (
            "What it takes to answer every call, and how to tell whether a problem has really "
            "been solved.",
            "探讨如何做到有呼必应、接诉即办，以及如何判断诉求是否真正得到解决。",
        ),
        capacity=300,
        talks=(
            _opening_remarks("s2024-04", "14:00", "14:10"),
            _TalkSeed(
                TalkKind.KEYNOTE,
                "14:10",
                "14:40",
                (
                    "Measuring what matters: resolution and satisfaction",
                    "衡量真正重要的指标：解决率与满意度",
                ),
                (("s2024-27", SPEAKER),),
            ),
            _TalkSeed(
                TalkKind.CASE_STUDY,
                "14:40",
                "15:10",
                ("A night shift at 12345", "12345的一个夜班"),
                (("s2024-10", SPEAKER),),
            ),
            _TalkSeed(
                TalkKind.SPEECH,
                "15:10",
                "15:40",
                (
                    "Citizen call centres in Korean cities and artificial intelligence",
                    "韩国城市市民呼叫中心与人工智能",
                ),
                (("s2024-26", SPEAKER),),
            ),
            _TalkSeed(
                TalkKind.PANEL,
                "15:50",
                "17:30",
                (
                    "Panel: from answering calls to solving problems",
                    "圆桌讨论：从“接得起”到“办得好”",
                ),
                (
                    ("s2024-04", MODERATOR),
                    ("s2024-27", PANELIST),
                    ("s2024-10", PANELIST),
                    ("s2024-25", PANELIST),
                ),
            ),
        ),
    ),
    _SessionSeed(
        "sub-forum-6",
        SessionKind.SUB_FORUM,
        0,
        "14:00",
        "17:30",
        "hall-6",
        (
            "Sub-forum 6: Residents' and International Friends' Experiences",
            "分论坛六：市民与国际友人的亲身体验",
        ),
        (
            "Beijing residents and international friends living in China share their own "
            "stories of calling 12345.",
            "北京市民和在华生活的国际友人讲述自己拨打12345的亲身经历。",
        ),
        capacity=150,
        talks=(
            _opening_remarks("s2024-32", "14:00", "14:10"),
            _TalkSeed(
                TalkKind.SPEECH,
                "14:10",
                "14:35",
                (
                    "Twelve years in a hutong: how 12345 became my neighbour",
                    "胡同里的十二年：12345成了我的好邻居",
                ),
                (("s2024-35", SPEAKER),),
            ),
            _TalkSeed(
                TalkKind.SPEECH,
                "14:35",
                "15:00",
                (
                    "Opening a restaurant in Sanlitun: asking the city for help",
                    "在三里屯开餐馆：向这座城市求助",
                ),
                (("s2024-36", SPEAKER),),
            ),
            _TalkSeed(
                TalkKind.SPEECH,
                "15:00",
                "15:25",
                ("From a complaint to a friendship", "从一次投诉到一段友谊"),
                (("s2024-09", SPEAKER),),
            ),
            _TalkSeed(
                TalkKind.DIALOGUE,
                "15:40",
                "17:30",
                ("Dialogue: living in Beijing, speaking up", "对话：生活在北京，说出心里话"),
                (
                    ("s2024-32", MODERATOR),
                    ("s2024-35", SPEAKER),
                    ("s2024-36", SPEAKER),
                    ("s2024-09", SPEAKER),
                ),
            ),
        ),
    ),
    _SessionSeed(
        "dialogue",
        SessionKind.OTHER,
        1,
        "09:00",
        "11:30",
        "main-hall",
        ("Global Dialogue on Urban Governance", "全球城市治理对话"),
        (
            "Scholars and young researchers from China and abroad discuss the theory and "
            "future of responsive city government.",
            "中外学者和青年研究人员共同探讨回应型城市治理的理论与未来。",
        ),
        talks=(
            _TalkSeed(
                TalkKind.KEYNOTE,
                "09:00",
                "09:30",
                (
                    "Responsiveness and legitimacy: a comparative view",
                    "回应性与合法性：比较的视角",
                ),
                (("s2024-21", SPEAKER),),
            ),
            _TalkSeed(
                TalkKind.DIALOGUE,
                "09:30",
                "10:30",
                (
                    "Scholars in dialogue: a theory of swift response",
                    "学者对话：接诉即办的理论阐释",
                ),
                (
                    ("s2024-02", MODERATOR),
                    ("s2024-22", SPEAKER),
                    ("s2024-13", SPEAKER),
                    ("s2024-27", SPEAKER),
                ),
            ),
            _TalkSeed(
                TalkKind.PANEL,
                "10:40",
                "11:30",
                ("Young researchers' roundtable", "青年学者圆桌"),
                (
                    ("s2024-18", MODERATOR),
                    ("s2024-38", PANELIST),
                    ("s2024-14", PANELIST),
                    ("s2024-28", PANELIST),
                ),
            ),
        ),
    ),
    _SessionSeed(
        "closing",
        SessionKind.CLOSING,
        1,
        "14:00",
        "15:00",
        "main-hall",
        ("Closing Ceremony", "闭幕式"),
        ("Reports from the sub-forums and closing addresses.", "各分论坛成果汇报及闭幕致辞。"),
        talks=(
            _TalkSeed(
                TalkKind.REPORT,
                "14:00",
                "14:25",
                ("Reports from the six sub-forums", "六场分论坛成果汇报"),
                (("s2024-01", HOST), ("s2024-12", SPEAKER)),
            ),
            _TalkSeed(
                TalkKind.SPEECH,
                "14:25",
                "14:40",
                ("Remarks from international participants", "国际嘉宾代表发言"),
                (("s2024-37", SPEAKER),),
            ),
            _TalkSeed(
                TalkKind.ADDRESS,
                "14:40",
                "15:00",
                ("Closing address", "闭幕致辞"),
                (("s2024-20", SPEAKER),),
            ),
        ),
    ),
)

_EDITION_2024 = _EditionSeed(
    year=2024,
    is_current=True,
    starts_on=date(2024, 12, 18),
    ends_on=date(2024, 12, 19),
    venue=VENUE,
    special_theme=(
        "Modernizing for People-Centered Urban Governance",
        "以人民为中心的超大城市治理现代化",
    ),
    introduction=(
        "The Beijing Forum on Swift Response to Public Complaints is hosted by the People's "
        "Government of Beijing Municipality, together with the Beijing Municipal "
        "Administration of Government Services and Data Management and the Institute of "
        "Political Science at the Chinese Academy of Social Sciences, with the Beijing Office "
        "of China Media Group as media partner. Under the permanent theme “People's City, "
        "Better Future”, it brings together leading academics, practitioners, officials, "
        "media, Beijing residents and international friends living in China. The 2024 "
        "programme has an opening ceremony, a main forum that releases new research, "
        "governance cases and a global evaluation of city hotlines, six parallel "
        "sub-forums and a closing ceremony.",
        "北京接诉即办论坛由北京市人民政府主办，北京市政务服务和数据管理局、中国社会科学院"
        "政治学研究所共同参与，中央广播电视总台北京总站为媒体合作单位。论坛以“人民城市，"
        "美好未来”为永久主题，汇聚全球知名学者、实践者、政府官员、媒体代表、北京市民以及"
        "在华生活的国际友人。2024年论坛设开幕式、主论坛、六场平行分论坛和闭幕式，主论坛将"
        "发布城市治理理论研究成果、城市治理典型案例和全球城市热线服务与治理效能评估报告。",
    ),
    registration_opens=(date(2024, 11, 1), "09:00"),
    registration_closes=(date(2024, 12, 15), "18:00"),
    rooms=_ROOMS_2024,
    sessions=_SESSIONS_2024,
)

# ---------------------------------------------------------------------------- 2022 edition

_SESSIONS_2022: tuple[_SessionSeed, ...] = (
    _SessionSeed(
        "opening",
        SessionKind.OPENING,
        0,
        "09:00",
        "09:30",
        "main-hall",
        ("Opening Ceremony", "开幕式"),
        ("The 2022 forum opens.", "2022年论坛开幕。"),
        talks=(
            _TalkSeed(
                TalkKind.OTHER,
                "09:00",
                "09:05",
                ("Opening of the forum", "宣布论坛开幕"),
                (("s2024-01", HOST),),
            ),
            _TalkSeed(
                TalkKind.ADDRESS,
                "09:05",
                "09:30",
                ("Welcome address", "欢迎致辞"),
                (("s2022-01", SPEAKER),),
            ),
        ),
    ),
    _SessionSeed(
        "main-forum",
        SessionKind.MAIN,
        0,
        "09:40",
        "12:00",
        "main-hall",
        ("Main Forum", "主论坛"),
        (
            "Keynotes and a panel on collaborative governance in megacities.",
            "围绕超大城市协同治理开展主旨演讲和圆桌讨论。",
        ),
        talks=(
            _TalkSeed(
                TalkKind.KEYNOTE,
                "09:40",
                "10:10",
                (
                    "Three years of swift response: what has changed for residents",
                    "接诉即办三年：市民生活发生了哪些变化",
                ),
                (("s2024-03", SPEAKER),),
            ),
            _TalkSeed(
                TalkKind.KEYNOTE,
                "10:10",
                "10:40",
                ("How great cities listen", "伟大的城市如何倾听"),
                (("s2024-21", SPEAKER),),
            ),
            _TalkSeed(
                TalkKind.REPORT,
                "10:40",
                "11:10",
                (
                    "Release of the annual research report on swift response",
                    "接诉即办年度研究报告发布",
                ),
                (("s2024-02", SPEAKER),),
            ),
            _TalkSeed(
                TalkKind.PANEL,
                "11:10",
                "12:00",
                (
                    "Panel: working together across departments and districts",
                    "圆桌讨论：跨部门、跨区域的协同",
                ),
                (
                    ("s2024-03", MODERATOR),
                    ("s2024-29", PANELIST),
                    ("s2022-02", PANELIST),
                    ("s2022-03", PANELIST),
                ),
            ),
        ),
    ),
    _SessionSeed(
        "sub-forum-1",
        SessionKind.SUB_FORUM,
        0,
        "14:00",
        "16:30",
        "hall-1",
        ("Sub-forum 1: Hotlines and Digital Government", "分论坛一：政务热线与数字政府"),
        (
            "How a single service number and shared data change the work of government.",
            "探讨统一服务号码和数据共享如何改变政府的工作方式。",
        ),
        capacity=200,
        talks=(
            _opening_remarks("s2022-02", "14:00", "14:10"),
            _TalkSeed(
                TalkKind.CASE_STUDY,
                "14:10",
                "15:00",
                ("Online services in Central European cities", "中欧城市的在线公共服务"),
                (("s2022-02", SPEAKER),),
            ),
            _TalkSeed(
                TalkKind.PANEL,
                "15:10",
                "16:30",
                ("Panel: one number for the whole city", "圆桌讨论：一个号码服务全城"),
                (("s2022-02", MODERATOR), ("s2024-02", PANELIST), ("s2022-01", PANELIST)),
            ),
        ),
    ),
    _SessionSeed(
        "sub-forum-2",
        SessionKind.SUB_FORUM,
        0,
        "14:00",
        "16:30",
        "hall-2",
        (
            "Sub-forum 2: Community Governance and Public Participation",
            "分论坛二：基层治理与公众参与",
        ),
        (
            "Residents, neighbourhood associations and local government solving problems together.",
            "居民、社区组织与基层政府携手解决身边问题。",
        ),
        capacity=150,
        talks=(
            _opening_remarks("s2024-29", "14:00", "14:10"),
            _TalkSeed(
                TalkKind.SPEECH,
                "14:10",
                "15:00",
                (
                    "Neighbourhood associations in West African cities",
                    "西非城市的街区自治组织",
                ),
                (("s2022-03", SPEAKER),),
            ),
            _TalkSeed(
                TalkKind.DIALOGUE,
                "15:10",
                "16:30",
                ("Dialogue: participation that changes things", "对话：真正带来改变的参与"),
                (("s2024-29", MODERATOR), ("s2022-03", SPEAKER), ("s2024-21", SPEAKER)),
            ),
        ),
    ),
    _SessionSeed(
        "closing",
        SessionKind.CLOSING,
        0,
        "16:45",
        "17:30",
        "main-hall",
        ("Closing Ceremony", "闭幕式"),
        ("Summaries of the day and closing address.", "会议总结与闭幕致辞。"),
        talks=(
            _TalkSeed(
                TalkKind.REPORT,
                "16:45",
                "17:10",
                ("Summaries of the sub-forums", "分论坛总结"),
                (("s2024-01", HOST), ("s2024-03", SPEAKER)),
            ),
            _TalkSeed(
                TalkKind.ADDRESS,
                "17:10",
                "17:30",
                ("Closing address", "闭幕致辞"),
                (("s2022-01", SPEAKER),),
            ),
        ),
    ),
)

_EDITION_2022 = _EditionSeed(
    year=2022,
    is_current=False,
    starts_on=date(2022, 12, 12),
    ends_on=date(2022, 12, 12),
    venue=VENUE,
    special_theme=(
        "Swift Response to Public Complaints: Collaborative Governance in Megacities (sample)",
        "接诉即办：超大城市协同治理（示例）",
    ),
    introduction=(
        "The 2022 forum looked back on three years of swift response to public complaints in "
        "Beijing and discussed how departments, districts and residents can govern a megacity "
        "together. (Sample programme.)",
        "2022年论坛回顾了北京接诉即办改革三年来的实践，围绕部门、区域与市民如何协同治理"
        "超大城市展开讨论。（示例议程）",
    ),
    registration_opens=(date(2022, 11, 1), "09:00"),
    registration_closes=(date(2022, 12, 9), "18:00"),
    rooms=(
        ("main-hall", ("Main Hall", "主会场"), 1200),
        ("hall-1", ("Conference Hall 1", "第一会议厅"), 300),
        ("hall-2", ("Conference Hall 2", "第二会议厅"), 200),
    ),
    sessions=_SESSIONS_2022,
)

# Oldest first, so database ids follow the years.
_EDITIONS: tuple[_EditionSeed, ...] = (_EDITION_2022, _EDITION_2024)

# ---------------------------------------------------------------------------------- seeding


def _t(pair: Pair) -> Translated:
    english, chinese = pair
    return Translated(en=english, zh=chinese)


def _at(day: date, clock: str) -> datetime:
    """A wall-clock time in Beijing on `day`, as an aware UTC datetime."""
    local = datetime.combine(day, time.fromisoformat(clock), tzinfo=ZoneInfo(TIMEZONE))
    return local.astimezone(UTC)


class _Seeder:
    """Creates missing rows for one call of `seed_demo`; never changes existing ones."""

    def __init__(self) -> None:
        self.created_editions: list[int] = []
        self.created_speakers = 0
        self._speakers: dict[str, Speaker] = {}

    def report(self) -> SeedReport:
        return SeedReport(list(self.created_editions), self.created_speakers)

    def speaker(self, key: str) -> Speaker:
        """The speaker with this seed key, created from the demo data if missing."""
        if key in self._speakers:
            return self._speakers[key]
        found = db.session.scalar(db.select(Speaker).where(Speaker.seed_key == key))
        if found is None:
            seed = _SPEAKERS_BY_KEY[key]
            found = Speaker(
                seed_key=seed.key,
                given_name=seed.given_name,
                family_name=seed.family_name,
                name_zh=seed.name_zh,
                is_family_name_first=seed.family_name_first,
                honorific=_t(seed.honorific) if seed.honorific else None,
                position=_t(seed.position),
                affiliation=_t(seed.affiliation),
                bio=_t(seed.bio),
                country=seed.country,
                photo=None,
                is_published=seed.published,
            )
            db.session.add(found)
            self.created_speakers += 1
        self._speakers[key] = found
        return found

    def edition(self, seed: _EditionSeed) -> None:
        """Create the edition with its rooms and programme, unless its year exists."""
        existing = db.session.scalar(db.select(Edition.id).where(Edition.year == seed.year))
        if existing is not None:
            return
        # Never take "current" away from an edition an organizer has made current.
        other_current = db.session.scalar(db.select(Edition.id).where(Edition.is_current))
        edition = Edition(
            year=seed.year,
            name=_t(FORUM_NAME),
            starts_on=seed.starts_on,
            ends_on=seed.ends_on,
            timezone=TIMEZONE,
            venue=_t(seed.venue),
            city=_t(CITY),
            permanent_theme=_t(PERMANENT_THEME),
            special_theme=_t(seed.special_theme),
            introduction=_t(seed.introduction),
            registration_opens_at=_at(*seed.registration_opens),
            registration_closes_at=_at(*seed.registration_closes),
            is_current=seed.is_current and other_current is None,
            staff_notes=SAMPLE_NOTE,
        )
        db.session.add(edition)
        rooms = {
            code: Room(edition=edition, code=code, name=_t(name), capacity=capacity)
            for code, name, capacity in seed.rooms
        }
        db.session.add_all(rooms.values())
        for position, session_seed in enumerate(seed.sessions):
            self.session(edition, seed.starts_on, rooms, position, session_seed)
        self.created_editions.append(seed.year)

    def session(
        self,
        edition: Edition,
        first_day: date,
        rooms: dict[str, Room],
        position: int,
        seed: _SessionSeed,
    ) -> None:
        day = first_day + timedelta(days=seed.day)
        session = Session(
            edition=edition,
            code=seed.code,
            kind=seed.kind.value,
            title=_t(seed.title),
            summary=_t(seed.summary),
            starts_at=_at(day, seed.start),
            ends_at=_at(day, seed.end),
            room=rooms[seed.room] if seed.room else None,
            capacity=seed.capacity,
            position=position,
            is_published=seed.published,
        )
        db.session.add(session)
        for talk_position, talk_seed in enumerate(seed.talks):
            talk = Talk(
                kind=talk_seed.kind.value,
                title=_t(talk_seed.title),
                summary=_t(talk_seed.summary) if talk_seed.summary else None,
                starts_at=_at(day, talk_seed.start),
                ends_at=_at(day, talk_seed.end),
                position=talk_position,
            )
            session.talks.append(talk)
            for person_position, (key, role) in enumerate(talk_seed.people):
                talk.participants.append(
                    TalkSpeaker(
                        speaker=self.speaker(key), role=role.value, position=person_position
                    )
                )


def seed_demo() -> SeedReport:
    """Load the demo editions (2022 and 2024) and commit; running it again changes nothing.

    Call inside an app context. An edition whose year already exists is left as it is,
    and speakers are reused by `seed_key`, also across editions.
    """
    seeder = _Seeder()
    for edition in _EDITIONS:
        seeder.edition(edition)
    db.session.commit()
    return seeder.report()

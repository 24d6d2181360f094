// Words of the dashboard, Chinese first. Domain names (metrics, gap lists, models, figures ...) come from
// the project's one label table (/assets/labels.json, partychain/labels.json), shared with the spreadsheets.

const UI = {
  zh: {
    "app.title": "产业链党建", "app.skip": "跳到正文", "lang.switch": "English", "lang.name": "中文",
    "nav.overview": "总览", "nav.gaps": "缺口清单", "nav.orgs": "组织体系", "nav.households": "农户链条",
    "nav.pairings": "强村带弱村", "nav.label": "主导航",
    "search.label": "搜索村、组织、合作社", "search.button": "搜索", "search.placeholder": "村、组织、合作社",
    "who.anonymous": "未登录（仅统计数据）", "who.researcher": "研究者", "who.officer": "组织部门（官员）",
    "signin": "登录", "signout": "退出", "signin.title": "登录",
    "signin.lead": "输入 API 密钥登录。密钥只提交一次，换成本次浏览器会话的登录状态，不保存在页面或地址里。",
    "signin.key": "API 密钥", "signin.submit": "登录", "signin.ok": "已登录：{role}。",
    "signin.bad": "密钥无效：{detail}", "signin.limited": "失败次数过多，请 {s} 秒后再试。",
    "signin.token": "正在用启动时打印的一次性链接登录……", "signin.token_bad": "登录链接无效：{detail}",
    "signin.expired": "登录已失效（已过期，或服务已重启）。请重新登录。",
    "signin.needed": "此页内容需要研究者或官员权限。", "signin.go": "去登录",
    "anon.note": "匿名访问只显示统计数据；名单、组织和个人记录需登录。",
    "loading": "加载中……", "error.title": "出错了", "error.retry": "稍后再试",
    "error.rate": "请求过于频繁，请 {s} 秒后再试。", "notfound.scope": "没有代码为 {code} 的区划。",
    "notfound.record": "没有找到：{detail}", "notfound.search": "可以按名称搜索：",
    "notfound.page": "没有这个页面。",
    "overview.lead": "联合建党委、支部办合作社、合作社建基地、基地联党员、党员带农户：{name}的覆盖情况、缺口和公布数据。",
    "scorecard.lead": "{level}记分卡：覆盖、缺口、组织、村集体经济、结对。",
    "coverage": "覆盖情况", "gaps": "缺口", "counts": "基本情况", "models": "四种联结模式",
    "figures": "公布数据与计算值", "figures.none": "本范围没有公布数据。",
    "figures.note": "公布数据取自来源原文；状态由计算值与公布值比较得出。",
    "incomes": "村集体经济收入（按年）", "incomes.villages": "村数", "incomes.sum": "合计（元）",
    "incomes.none": "没有村集体经济收入记录。",
    "pairings": "结对帮扶（强村带弱村）", "pairings.count": "结对数", "pairings.strong": "强村",
    "pairings.weak": "弱村", "pairings.crossing": "跨范围结对",
    "children.chart": "各{level}覆盖率", "children.table": "各{level}情况", "children.metric": "指标",
    "report.download": "下载报表（XLSX）", "report.note": "报表含概况、公布数据、分{level}表和缺口清单；不含个人信息。",
    "gaps.title": "缺口清单", "gaps.kind": "缺口类型", "gaps.scope": "范围", "gaps.town": "乡镇",
    "gaps.village": "村", "gaps.all": "全部", "gaps.limit": "每页", "gaps.total": "共 {n} 条",
    "gaps.page": "第 {from}–{to} 条", "gaps.prev": "上一页", "gaps.next": "下一页", "gaps.empty": "没有记录。",
    "gaps.xlsx": "下载 XLSX（{n} 行）", "gaps.csv": "下载 CSV（{n} 行）",
    "gaps.masked": "姓名按你的权限显示：研究者看到脱敏值，官员查看会记入审计日志。",
    "orgs.title": "组织体系", "orgs.lead": "{name}驻地的党组织：联合党委 → 党总支 → 党支部 → 合作社 → 基地。",
    "orgs.roots": "顶层组织（不隶属其他组织）", "orgs.open": "展开组织树",
    "org.tree": "组织树", "org.units": "合作社与公司", "org.bases": "基地", "org.members": "联系党员",
    "org.none": "没有下属单位。", "org.downstream": "下游统计", "org.parent": "上级组织", "org.seat": "驻地",
    "org.secretary": "书记", "org.covers": "覆盖村数",
    "household.title": "农户领导链条", "household.lead": "输入农户编号，查看其党员、基地、合作社、党支部到联合党委的链条。",
    "household.id": "农户编号", "household.go": "查看", "household.record": "农户信息", "household.chains": "领导链条",
    "household.none": "没有党员带动这户，没有链条。", "people.title": "按姓名、身份证号或电话查找（官员）",
    "people.q": "姓名、身份证号或电话", "people.go": "查找", "people.audit": "每次查看都会记入审计日志。",
    "member.title": "党员", "cooperative.title": "合作社",
    "chain.member": "党员", "chain.base": "基地", "chain.owner": "合作社/公司", "chain.org": "党组织", "chain.town_committee": "乡镇党委",
    "chain.general_branch": "党总支", "chain.joint_committee": "联合党委", "chain.breaks": "断开",
    "pairing.title": "强村带弱村结对网络", "pairing.lead": "箭头由强村指向弱村；表中为弱村结对前一年到最近一年的村集体经济收入变化（描述性，不是效果估计）。",
    "pairing.network": "结对网络", "pairing.legend": "红色大点：强村；蓝色小点：弱村；淡色：范围外的村。绿线：弱村收入增加；红线：减少；灰线：无记录。", "pairing.table": "结对清单", "pairing.since": "起始年",
    "pairing.before": "结对前（元）", "pairing.latest": "最近（元）", "pairing.change": "变化（元）",
    "pairing.none": "这个范围没有结对。",
    "search.title": "搜索", "search.divisions": "区划", "search.orgs": "党组织", "search.coops": "合作社",
    "search.none": "没有结果。", "search.more": "共 {n} 条，显示前 {k} 条",
    "search.signin": "登录后还可搜索党组织和合作社。",
    "field.id": "编号", "field.name": "名称", "field.level": "层级", "field.kind": "类型",
    "field.village": "所在村", "field.town": "所在乡镇", "field.parent": "上级", "field.code": "代码",
    "field.head_name": "户主姓名", "field.id_number": "身份证号", "field.phone": "电话", "field.size": "人口",
    "field.poor": "贫困户", "field.poverty_exit_year": "脱贫年份", "field.driven_by": "带动党员",
    "field.cooperatives": "加入的合作社", "field.gender": "性别", "field.birth_year": "出生年份",
    "field.joined_year": "入党年份", "field.roles": "角色", "field.org": "所在组织", "field.bases": "联系基地",
    "field.households": "带动农户", "field.poor_households": "其中贫困户", "field.demo_point": "村社合一示范点",
    "field.branch": "领办党支部", "field.joint_committee": "直接领导的联合党委", "field.industry": "产业",
    "field.chair": "理事长", "field.companies": "合作公司", "field.shareholders": "持股村集体",
    "field.seat": "驻地", "field.members": "党员",
    "yes": "是", "no": "否", "share": "比例", "total": "合计",
    "foot.data": "数据版本 {version}（版本号含导入时间）。", "foot.none": "尚未导入数据。",
    "foot.offline": "本页面所有资源随软件发布，离线可用。图表：Apache ECharts。",
  },
  en: {
    "app.title": "Party building on the industry chain", "app.skip": "Skip to content", "lang.switch": "中文",
    "lang.name": "English",
    "nav.overview": "Overview", "nav.gaps": "Gap lists", "nav.orgs": "Organizations", "nav.households": "Households",
    "nav.pairings": "Pairings", "nav.label": "Main",
    "search.label": "Search villages, organizations, cooperatives", "search.button": "Search",
    "search.placeholder": "village, organization, cooperative",
    "who.anonymous": "Not signed in (aggregates only)", "who.researcher": "Researcher", "who.officer": "Officer",
    "signin": "Sign in", "signout": "Sign out", "signin.title": "Sign in",
    "signin.lead": "Sign in with an API key. The key is sent once and exchanged for a session of this browser; it is kept neither in the page nor in the address.",
    "signin.key": "API key", "signin.submit": "Sign in", "signin.ok": "Signed in: {role}.",
    "signin.bad": "The key was not accepted: {detail}", "signin.limited": "Too many failed attempts; try again in {s} s.",
    "signin.token": "Signing in with the one-time link printed at start-up …",
    "signin.token_bad": "The sign-in link was not accepted: {detail}",
    "signin.expired": "Your session ended (it expired, or the server restarted). Please sign in again.",
    "signin.needed": "This page needs a researcher or officer key.", "signin.go": "Sign in",
    "anon.note": "Without signing in you see aggregates only; lists, organizations and records need a key.",
    "loading": "Loading …", "error.title": "Something went wrong", "error.retry": "Try again later",
    "error.rate": "Too many requests; try again in {s} s.", "notfound.scope": "There is no division with the code {code}.",
    "notfound.record": "Not found: {detail}", "notfound.search": "Search by name instead:",
    "notfound.page": "There is no such page.",
    "overview.lead": "Joint committees, branches running cooperatives, cooperatives building bases, bases linking members, members driving households: coverage, gaps and published figures of {name}.",
    "scorecard.lead": "Scorecard of a {level}: coverage, gaps, organizations, collective income, pairings.",
    "coverage": "Coverage", "gaps": "Gaps", "counts": "Counts", "models": "The four linkage models",
    "figures": "Published figures beside computed ones", "figures.none": "No published figures for this division.",
    "figures.note": "Published values as the source states them; the status compares them with the computed value.",
    "incomes": "Village collective income by year", "incomes.villages": "villages", "incomes.sum": "total (yuan)",
    "incomes.none": "No collective income recorded.",
    "pairings": "Strong/weak pairings", "pairings.count": "pairings", "pairings.strong": "strong villages",
    "pairings.weak": "weak villages", "pairings.crossing": "crossing the border",
    "children.chart": "Coverage by {level}", "children.table": "By {level}", "children.metric": "Metric",
    "report.download": "Download the report (XLSX)", "report.note": "Overview, published figures, a sheet per {level} and the gap lists; no personal data.",
    "gaps.title": "Gap lists", "gaps.kind": "Gap", "gaps.scope": "Division", "gaps.town": "Town", "gaps.village": "Village",
    "gaps.all": "all", "gaps.limit": "Per page", "gaps.total": "{n} records", "gaps.page": "records {from}–{to}",
    "gaps.prev": "Previous", "gaps.next": "Next", "gaps.empty": "No records.",
    "gaps.xlsx": "Download XLSX ({n} rows)", "gaps.csv": "Download CSV ({n} rows)",
    "gaps.masked": "Names as your role may see them: masked for researchers; officers' reads are audited.",
    "orgs.title": "Organizations", "orgs.lead": "Party organizations seated in {name}: joint committee → general branch → branch → cooperative → base.",
    "orgs.roots": "Top organizations (under no other)", "orgs.open": "open the tree",
    "org.tree": "Organization tree", "org.units": "Cooperatives and companies", "org.bases": "bases",
    "org.members": "members linked", "org.none": "No units.", "org.downstream": "Downstream, counted",
    "org.parent": "Under", "org.seat": "Seat", "org.secretary": "Secretary", "org.covers": "Villages covered",
    "household.title": "A household's leadership chain", "household.lead": "Enter a household id to see its member, base, cooperative, branch and joint committee.",
    "household.id": "Household id", "household.go": "Show", "household.record": "Household", "household.chains": "Chains",
    "household.none": "No member drives this household: no chain.", "people.title": "Find by name, ID number or phone (officers)",
    "people.q": "Name, ID number or phone", "people.go": "Find", "people.audit": "Every read is written to the audit log.",
    "member.title": "Party member", "cooperative.title": "Cooperative",
    "chain.member": "member", "chain.base": "base", "chain.owner": "cooperative/company", "chain.org": "party organization", "chain.town_committee": "town committee",
    "chain.general_branch": "general branch", "chain.joint_committee": "joint committee", "chain.breaks": "breaks",
    "pairing.title": "The pairing network", "pairing.lead": "Arrows run from strong to weak villages; the table gives each weak village's collective income the year before its pairing and in its latest year (a description, not an effect estimate).",
    "pairing.network": "Network", "pairing.legend": "Large red: strong villages; small blue: weak villages; faded: outside the division. Green line: the weak village's income rose; red: fell; grey: not recorded.", "pairing.table": "Pairings", "pairing.since": "since",
    "pairing.before": "before (yuan)", "pairing.latest": "latest (yuan)", "pairing.change": "change (yuan)",
    "pairing.none": "No pairings in this division.",
    "search.title": "Search", "search.divisions": "Divisions", "search.orgs": "Party organizations",
    "search.coops": "Cooperatives", "search.none": "Nothing found.", "search.more": "{n} found, first {k} shown",
    "search.signin": "Sign in to search organizations and cooperatives too.",
    "field.id": "id", "field.name": "name", "field.level": "level", "field.kind": "kind", "field.village": "village",
    "field.town": "town", "field.parent": "in", "field.code": "code", "field.head_name": "head of household",
    "field.id_number": "ID number", "field.phone": "phone", "field.size": "persons", "field.poor": "poor",
    "field.poverty_exit_year": "out of poverty", "field.driven_by": "driven by", "field.cooperatives": "cooperatives joined",
    "field.gender": "gender", "field.birth_year": "born", "field.joined_year": "joined", "field.roles": "roles",
    "field.org": "organization", "field.bases": "bases", "field.households": "households driven",
    "field.poor_households": "poor among them", "field.demo_point": "demonstration point", "field.branch": "run by",
    "field.joint_committee": "led by", "field.industry": "industry", "field.chair": "chair",
    "field.companies": "companies", "field.shareholders": "shareholding villages", "field.seat": "seat",
    "field.members": "members",
    "yes": "yes", "no": "no", "share": "share", "total": "total",
    "foot.data": "Dataset version {version} (its name holds when it was loaded).", "foot.none": "No dataset loaded yet.",
    "foot.offline": "Every asset of this page ships with the software and works offline. Charts: Apache ECharts.",
  },
};

let lang = "zh";
let labels = { zh: {}, en: {} };

export function setLanguage(l) {
  lang = l === "en" ? "en" : "zh";
  document.documentElement.lang = lang === "zh" ? "zh-CN" : "en";
}

export function language() { return lang; }

export async function loadLabels() {
  const r = await fetch("/assets/labels.json", { credentials: "same-origin" });
  labels = await r.json();
}

/** A UI string, with {name} placeholders filled. */
export function t(key, vars = {}) {
  const s = UI[lang][key] ?? UI.zh[key] ?? key;
  return s.replace(/\{(\w+)\}/g, (_, k) => (k in vars ? String(vars[k]) : `{${k}}`));
}

/** A domain label (metric., gap., model., figure., status., unit., level., org_level., count., col., breaks_at.). */
export function L(key) {
  return labels[lang]?.[key] ?? labels.zh?.[key] ?? key.split(".").pop();
}

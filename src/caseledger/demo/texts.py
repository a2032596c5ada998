"""Words and sentences the demo generator composes records from, in Chinese and English.

Slots: {p} product, {a} amount in yuan, {d} days, {m} minutes.
"""

from __future__ import annotations

SURNAMES = [
    ("王", "wang"),
    ("李", "li"),
    ("张", "zhang"),
    ("刘", "liu"),
    ("陈", "chen"),
    ("杨", "yang"),
    ("黄", "huang"),
    ("赵", "zhao"),
    ("吴", "wu"),
    ("周", "zhou"),
    ("徐", "xu"),
    ("孙", "sun"),
    ("马", "ma"),
    ("朱", "zhu"),
    ("胡", "hu"),
    ("郭", "guo"),
    ("何", "he"),
    ("高", "gao"),
    ("林", "lin"),
    ("罗", "luo"),
    ("郑", "zheng"),
    ("梁", "liang"),
    ("谢", "xie"),
    ("宋", "song"),
    ("唐", "tang"),
    ("许", "xu"),
    ("韩", "han"),
    ("冯", "feng"),
    ("邓", "deng"),
    ("曹", "cao"),
    ("彭", "peng"),
    ("曾", "zeng"),
    ("肖", "xiao"),
    ("田", "tian"),
    ("董", "dong"),
    ("袁", "yuan"),
    ("潘", "pan"),
    ("于", "yu"),
    ("蒋", "jiang"),
    ("蔡", "cai"),
    ("余", "yu"),
    ("杜", "du"),
    ("叶", "ye"),
    ("程", "cheng"),
    ("苏", "su"),
    ("魏", "wei"),
    ("吕", "lv"),
    ("丁", "ding"),
    ("任", "ren"),
    ("沈", "shen"),
    ("欧阳", "ouyang"),
    ("司马", "sima"),
]
GIVEN = list(
    "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国志强文博宇轩浩然子涵雨欣"
    "梓萱一诺思远晨阳佳怡欣怡俊杰晓东海燕春梅玉兰淑珍丹丹立新建华红梅德明天佑嘉懿"
)

CITIES = [
    "北京",
    "上海",
    "深圳",
    "广州",
    "杭州",
    "成都",
    "南京",
    "苏州",
    "武汉",
    "西安",
    "天津",
    "重庆",
    "宁波",
    "青岛",
    "厦门",
    "长沙",
    "合肥",
    "郑州",
]
FIRM_WORDS = [
    "华信",
    "恒泰",
    "中联",
    "瑞丰",
    "鼎盛",
    "金桥",
    "宏达",
    "远航",
    "新锐",
    "万通",
    "嘉禾",
    "智汇",
    "博远",
    "星河",
    "德润",
    "安信",
    "同创",
    "凯越",
    "启明",
    "泰和",
]
FIRM_KINDS = [
    "科技",
    "贸易",
    "电子",
    "物流",
    "实业",
    "信息技术",
    "机械制造",
    "商贸",
    "餐饮管理",
    "医疗器械",
    "建材",
    "文化传媒",
]
EN_FIRM_WORDS = [
    "Everbright",
    "Harbor",
    "Lotus",
    "Summit",
    "Jade River",
    "Golden Gate",
    "Pacific Rim",
    "Northstar",
    "Silk Road",
    "Bluewave",
    "Redwood",
    "Orient",
]
EN_FIRM_KINDS = [
    "Trading",
    "Electronics",
    "Logistics",
    "Technology",
    "Foods",
    "Components",
    "Medical",
    "Textiles",
]
STREETS = [
    "人民路",
    "中山路",
    "解放路",
    "建设路",
    "长江路",
    "科技园路",
    "滨江大道",
    "世纪大道",
    "张江路",
    "南京西路",
]
DISTRICTS = ["高新区", "经开区", "浦东新区", "天河区", "南山区", "西湖区", "朝阳区", "武侯区"]
EMAIL_DOMAINS = ["example.com", "example.cn", "example.net", "example.org"]
# Mobile prefixes that `phonenumbers` accepts for CN.
MOBILE_PREFIXES = [
    "130",
    "131",
    "132",
    "133",
    "134",
    "135",
    "136",
    "137",
    "138",
    "139",
    "150",
    "151",
    "152",
    "153",
    "155",
    "156",
    "157",
    "158",
    "159",
    "176",
    "177",
    "180",
    "181",
    "182",
    "183",
    "185",
    "186",
    "187",
    "188",
    "189",
]

# industry: (中文, English, products [(zh, en)], reference style)
INDUSTRIES: dict[str, tuple[str, str, list[tuple[str, str]], str]] = {
    "banking": (
        "银行",
        "Banking",
        [
            ("信用卡", "credit card"),
            ("个人消费贷", "personal loan"),
            ("理财产品", "wealth product"),
            ("手机银行", "mobile banking app"),
            ("住房贷款", "mortgage"),
            ("借记卡", "debit card"),
        ],
        "contract",
    ),
    "insurance": (
        "保险",
        "Insurance",
        [
            ("车险保单", "motor policy"),
            ("医疗险", "health insurance"),
            ("重疾险", "critical illness cover"),
            ("意外险", "accident cover"),
            ("家财险", "home contents policy"),
        ],
        "contract",
    ),
    "ecommerce": (
        "电商",
        "E-commerce",
        [
            ("蓝牙耳机", "wireless earbuds"),
            ("扫地机器人", "robot vacuum"),
            ("生鲜订单", "fresh food order"),
            ("会员服务", "membership"),
            ("手机壳", "phone case"),
            ("空气炸锅", "air fryer"),
        ],
        "order",
    ),
    "telecom": (
        "电信",
        "Telecom",
        [
            ("5G套餐", "5G plan"),
            ("家庭宽带", "home broadband"),
            ("国际漫游", "international roaming"),
            ("携号转网", "number porting"),
            ("流量包", "data add-on"),
        ],
        "product",
    ),
    "manufacturing": (
        "制造",
        "Manufacturing",
        [
            ("数控机床", "CNC machine"),
            ("工业传感器", "industrial sensors"),
            ("注塑件批次", "moulded parts batch"),
            ("备品备件", "spare parts"),
            ("变频器", "inverter"),
        ],
        "order",
    ),
    "retail": (
        "零售",
        "Retail",
        [
            ("冰箱", "refrigerator"),
            ("会员积分", "loyalty points"),
            ("门店购物", "in-store purchase"),
            ("预付卡", "prepaid card"),
            ("洗衣机", "washing machine"),
        ],
        "order",
    ),
    "saas": (
        "软件服务",
        "SaaS",
        [
            ("年度订阅", "annual subscription"),
            ("数据导出功能", "data export"),
            ("API 接口", "API access"),
            ("席位许可", "seat licences"),
            ("单点登录", "single sign-on"),
        ],
        "contract",
    ),
}
PERSON_INDUSTRIES = ["banking", "insurance", "ecommerce", "telecom", "retail"]
ORG_INDUSTRIES = list(INDUSTRIES)

AMOUNTS = [19, 39, 58, 99, 128, 199, 299, 680, 1200, 3500, 12800, 46000]
DAYS = [2, 3, 5, 7, 10, 15, 20, 30, 45]
MINUTES = [25, 40, 55, 90]

# (category, subcategory): ([zh subjects], [en subjects], zh detail, en detail)
ISSUES: dict[tuple[str, str], tuple[list[str], list[str], str, str]] = {
    ("product_quality", "defect"): (
        ["{p}使用不到{d}天出现故障", "{p}存在质量问题，多次维修无效", "{p}频繁死机、无法正常使用"],
        ["{p} failed after {d} days", "Recurring defect in {p}", "{p} keeps freezing"],
        "客户称产品在正常使用情况下出现问题，已提供照片和购买凭证。",
        "The customer reports the fault under normal use and has sent photos and proof of purchase.",
    ),
    ("product_quality", "safety"): (
        ["{p}使用中发热冒烟，存在安全隐患", "{p}存在安全隐患，要求召回"],
        ["{p} overheated during use", "Safety concern with {p}, asks for a recall"],
        "客户担心人身和财产安全，情绪激动，要求尽快给出书面答复。",
        "The customer is worried about personal safety and wants a written answer quickly.",
    ),
    ("product_quality", "not_as_described"): (
        ["{p}与宣传描述不符", "收到的{p}规格与页面介绍不一致"],
        ["{p} not as described", "Specifications of {p} differ from the product page"],
        "客户认为宣传材料存在误导，实际功能与承诺不一致。",
        "The customer says the marketing material promised features the product lacks.",
    ),
    ("service", "attitude"): (
        ["办理{p}业务时工作人员态度恶劣", "咨询{p}时客服人员不耐烦"],
        ["Rude staff when handling {p}", "Impatient agent on the {p} hotline"],
        "客户反映工作人员语气生硬、推诿责任，要求道歉。",
        "The customer says the staff member was dismissive and wants an apology.",
    ),
    ("service", "wait_time"): (
        ["{p}热线等待超过{m}分钟", "办理{p}排队时间过长"],
        ["Waited over {m} minutes on the {p} hotline", "Long queue to handle {p}"],
        "客户多次致电均长时间排队，最终未能接通人工服务。",
        "The customer called several times and never reached a person.",
    ),
    ("service", "no_response"): (
        ["{p}问题反映{d}天无人回复", "多次反映{p}问题均无回音"],
        ["No reply for {d} days about {p}", "Repeated reports about {p} ignored"],
        "客户此前已通过多个渠道反映，均未得到任何答复。",
        "The customer raised this through several channels without any answer.",
    ),
    ("billing", "wrong_charge"): (
        ["{p}重复扣费{a}元", "{p}账单金额与约定不符，多扣{a}元"],
        ["Charged twice ({a} CNY) for {p}", "{p} bill is {a} CNY higher than agreed"],
        "客户核对账单后发现异常扣款，已提供交易流水截图。",
        "The customer found the extra charge on the statement and sent a screenshot.",
    ),
    ("billing", "hidden_fee"): (
        ["{p}存在未告知的收费{a}元", "{p}被收取不明服务费"],
        ["Undisclosed fee of {a} CNY on {p}", "Unexplained service fee on {p}"],
        "客户表示办理时未被告知该项费用，认为侵犯知情权。",
        "The customer was never told about this fee when signing up.",
    ),
    ("billing", "refund"): (
        ["{p}退款{a}元迟迟未到账", "申请{p}退款被拖延{d}天"],
        ["Refund of {a} CNY for {p} not received", "Refund for {p} delayed {d} days"],
        "客户已按要求提交退款申请，但款项至今未退回。",
        "The customer applied for the refund as instructed but has not been paid.",
    ),
    ("delivery", "late"): (
        ["{p}延迟{d}天送达", "{p}超过承诺时效仍未发货"],
        ["{p} delivered {d} days late", "{p} not shipped within the promised time"],
        "客户因延误产生额外损失，要求说明原因并给予补偿。",
        "The delay caused the customer extra cost; they want an explanation and compensation.",
    ),
    ("delivery", "damaged"): (
        ["{p}到货时外包装破损、商品损坏", "{p}运输途中损坏"],
        ["{p} arrived damaged", "{p} damaged in transit"],
        "客户签收时当场拍照留证，要求换货或退款。",
        "The customer took photos at delivery and asks for a replacement or refund.",
    ),
    ("delivery", "lost"): (
        ["{p}物流显示签收但未收到", "{p}快递丢失"],
        ["{p} marked delivered but never received", "{p} lost in the post"],
        "客户称本人及家人均未签收，怀疑快递员代签。",
        "Nobody at the address signed for it; the customer suspects a false delivery scan.",
    ),
    ("sales_practice", "misleading"): (
        ["销售人员对{p}夸大宣传", "办理{p}时销售承诺与合同不符"],
        ["Misleading sales pitch for {p}", "Sales promises about {p} not in the contract"],
        "客户称销售人员口头承诺的收益和权益在合同中均未体现。",
        "The customer says the benefits promised verbally are missing from the contract.",
    ),
    ("sales_practice", "pressure"): (
        ["被反复电话推销{p}", "销售人员强行搭售{p}"],
        ["Pressure selling of {p}", "{p} bundled in without consent"],
        "客户明确拒绝后仍多次接到推销电话，严重影响生活。",
        "The customer declined clearly but keeps getting sales calls.",
    ),
    ("sales_practice", "price_objection"): (
        ["认为{p}报价偏高，要求优惠", "{p}价格高于竞品，客户犹豫", "对{p}续费价格有异议"],
        [
            "Price of {p} too high, asks for a discount",
            "{p} priced above competitors",
            "Objects to the renewal price of {p}",
        ],
        "客户对比了其他供应商报价，希望获得更有竞争力的价格。",
        "The customer compared quotes from other suppliers and wants a better price.",
    ),
    ("contract", "cancellation"): (
        ["申请解约{p}被拒", "{p}提前解约违约金过高"],
        ["Cancellation of {p} refused", "Early termination fee for {p} too high"],
        "客户认为合同中的解约条款不合理，要求免除违约金。",
        "The customer considers the termination clause unfair and asks for the fee to be waived.",
    ),
    ("contract", "renewal"): (
        ["{p}未经同意自动续约", "{p}续约条款未提前告知"],
        ["{p} renewed automatically without consent", "Renewal terms of {p} not disclosed"],
        "客户称未收到任何续约提醒，要求撤销续约并退款。",
        "The customer received no renewal reminder and wants it reversed and refunded.",
    ),
    ("contract", "terms"): (
        ["{p}合同条款不公平", "对{p}格式条款有异议"],
        ["Unfair terms in the {p} contract", "Disputes the standard terms of {p}"],
        "客户认为部分条款加重了消费者责任，要求重新解释。",
        "The customer says some clauses shift too much liability onto them.",
    ),
    ("privacy", "marketing"): (
        ["未经同意收到{p}营销短信", "退订后仍收到{p}推广信息"],
        ["Unwanted marketing about {p}", "Still receives {p} promotions after unsubscribing"],
        "客户要求停止营销并说明其联系方式的获取来源。",
        "The customer wants the marketing stopped and to know where their number came from.",
    ),
    ("privacy", "leak"): (
        ["怀疑{p}相关个人信息泄露", "办理{p}后频繁接到诈骗电话"],
        ["Suspected leak of personal data linked to {p}", "Scam calls after signing up for {p}"],
        "客户称诈骗电话能准确说出其姓名和业务信息，要求调查。",
        "Callers knew the customer's name and account details; the customer asks for an investigation.",
    ),
    ("privacy", "access"): (
        ["要求查阅{p}相关的个人信息", "申请复制{p}业务中的个人信息"],
        ["Request for access to personal data held for {p}", "Asks for a copy of {p} records"],
        "客户依据《个人信息保护法》提出查阅、复制个人信息的请求。",
        "The customer exercises the right of access under PIPL.",
    ),
    ("after_sales", "repair"): (
        ["{p}维修超过{d}天未完成", "{p}维修后问题依旧"],
        ["Repair of {p} outstanding for {d} days", "{p} still faulty after repair"],
        "客户已多次催促维修进度，影响正常生产生活。",
        "The customer has chased the repair several times; it disrupts their work.",
    ),
    ("after_sales", "warranty"): (
        ["{p}保修期内维修被拒", "{p}保修责任认定有争议"],
        ["Warranty claim for {p} rejected", "Dispute over warranty cover for {p}"],
        "客户认为故障属于保修范围，不同意人为损坏的认定。",
        "The customer disputes the finding of accidental damage.",
    ),
    ("after_sales", "return"): (
        ["{p}七天无理由退货被拒", "{p}退货流程复杂"],
        ["Return of {p} refused", "Returning {p} is too complicated"],
        "客户在规定期限内申请退货，商品未拆封。",
        "The customer asked to return it within the period, unopened.",
    ),
    ("other", ""): (
        ["关于{p}的意见和建议", "对{p}服务流程提出建议"],
        ["Feedback about {p}", "Suggestions for the {p} process"],
        "客户希望公司改进相关流程并及时反馈。",
        "The customer would like the process improved and to hear back.",
    ),
}

OPENERS_ZH = ["客户反映：", "客户来电称，", "客户投诉称，", "据客户描述，", "客户表示，"]
OPENERS_EN = ["The customer reports: ", "Customer says: ", "From the customer: ", ""]
HISTORY_ZH = ["此前已联系过{n}次。", "客户情绪较为激动。", "客户为老客户，合作多年。", "", ""]
HISTORY_EN = [
    "They have contacted us {n} times before.",
    "The customer is upset.",
    "Long-standing customer.",
    "",
    "",
]

REQUESTS: dict[str, tuple[list[str], list[str]]] = {
    "product_quality": (
        ["要求免费更换", "要求退货退款", "要求书面检测报告"],
        ["Replace it free of charge", "Refund in full", "A written test report"],
    ),
    "service": (
        ["要求相关人员道歉", "要求改进服务并回访", "要求专人跟进"],
        ["An apology", "Better service and a follow-up call", "One named contact"],
    ),
    "billing": (
        ["要求退还多收费用", "要求提供费用明细", "要求赔偿利息损失"],
        ["Refund the overcharge", "An itemised bill", "Compensation for lost interest"],
    ),
    "delivery": (
        ["要求补发", "要求赔偿", "要求说明延误原因"],
        ["Resend the item", "Compensation", "An explanation for the delay"],
    ),
    "sales_practice": (
        ["要求按承诺履行", "要求停止推销", "要求给予价格优惠"],
        ["Honour what was promised", "Stop the sales calls", "A lower price"],
    ),
    "contract": (
        ["要求无责解约", "要求撤销续约", "要求解释合同条款"],
        ["Cancel without penalty", "Reverse the renewal", "Explain the clause"],
    ),
    "privacy": (
        ["要求删除个人信息", "要求停止营销", "要求提供个人信息副本"],
        ["Delete my personal data", "Stop marketing", "A copy of my data"],
    ),
    "after_sales": (
        ["要求尽快修复", "要求换新", "要求延长保修"],
        ["Fix it quickly", "A new unit", "An extended warranty"],
    ),
    "other": (["希望得到回复", "希望改进流程"], ["A reply", "Process improvements"]),
}
RESOLUTIONS: dict[str, tuple[list[str], list[str]]] = {
    "product_quality": (
        ["经检测确认质量问题，已为客户免费更换。", "已办理退货退款，客户确认收到。"],
        [
            "Fault confirmed by testing; replaced free of charge.",
            "Return and refund completed; customer confirmed receipt.",
        ],
    ),
    "service": (
        ["已向客户致歉，并对相关人员进行培训。", "已安排专人回访，客户表示理解。"],
        [
            "Apologised; the staff member was retrained.",
            "A named contact called back; the customer accepted the explanation.",
        ],
    ),
    "billing": (
        ["核实为系统重复扣费，已全额退还。", "已向客户解释收费依据并减免部分费用。"],
        [
            "Duplicate charge confirmed and refunded in full.",
            "Explained the fee and waived part of it.",
        ],
    ),
    "delivery": (
        ["已补发商品并赠送优惠券。", "已按规定赔付运费及货款。"],
        ["Item resent with a voucher.", "Shipping and item value compensated."],
    ),
    "sales_practice": (
        [
            "已按销售承诺补足权益，并对销售人员问责。",
            "已将客户号码加入免打扰名单。",
            "经审批给予客户阶梯折扣，客户接受报价。",
        ],
        [
            "Benefits granted as promised; the salesperson was held accountable.",
            "Number added to the do-not-call list.",
            "Tiered discount approved; the customer accepted the quote.",
        ],
    ),
    "contract": (
        ["经协商同意无责解约。", "已撤销自动续约并退款。", "已书面解释合同条款，客户认可。"],
        [
            "Agreed to cancel without penalty.",
            "Auto-renewal reversed and refunded.",
            "Clause explained in writing; the customer accepted.",
        ],
    ),
    "privacy": (
        ["已停止营销并删除相关数据，书面告知客户。", "已在法定期限内提供个人信息副本。"],
        [
            "Marketing stopped and data deleted; customer informed in writing.",
            "Copy of personal data provided within the legal deadline.",
        ],
    ),
    "after_sales": (
        ["已完成维修并延长保修期三个月。", "已为客户换新。"],
        ["Repaired; warranty extended by three months.", "Replaced with a new unit."],
    ),
    "other": (["已记录客户建议并转交相关部门。"], ["Suggestion logged and passed to the team."]),
}
ROOT_CAUSES: dict[str, tuple[list[str], list[str]]] = {
    "product_quality": (
        ["供应商批次质量问题", "出厂检验漏检"],
        ["Supplier batch quality", "Missed in final inspection"],
    ),
    "service": (
        ["一线人员培训不足", "高峰期人手不足"],
        ["Insufficient frontline training", "Understaffed at peak times"],
    ),
    "billing": (
        ["计费系统升级缺陷", "收费规则未充分告知"],
        ["Billing system upgrade defect", "Fee rules not disclosed clearly"],
    ),
    "delivery": (
        ["第三方物流延误", "包装不符合要求"],
        ["Third-party carrier delay", "Inadequate packaging"],
    ),
    "sales_practice": (
        ["销售话术不规范", "外呼名单管理缺失", "价格体系缺乏竞争力"],
        ["Non-compliant sales script", "Call list not managed", "Pricing not competitive"],
    ),
    "contract": (
        ["合同条款表述不清", "续约提醒流程缺失"],
        ["Ambiguous contract wording", "No renewal reminder step"],
    ),
    "privacy": (
        ["营销同意记录缺失", "合作方数据管理不当"],
        ["Missing marketing consent record", "Partner mishandled data"],
    ),
    "after_sales": (
        ["备件供应不足", "保修政策执行不一致"],
        ["Spare parts shortage", "Warranty policy applied inconsistently"],
    ),
    "other": (["流程设计问题"], ["Process design issue"]),
}
NOTES = [
    "已电话联系客户，确认问题细节。",
    "已提交相关部门核查，等待反馈。",
    "客户补充提供了凭证照片。",
    "已向客户说明处理进度。",
    "主管已审阅处理方案。",
    "客户表示满意，同意结案。",
    "Called the customer back; details confirmed.",
    "Escalated to the product team for review.",
    "Customer sent additional screenshots.",
    "Supervisor reviewed the proposed resolution.",
]
TAGS = ["vip", "重点客户", "key_account", "new", "长期合作", "high_risk", "government", "smb"]

# Sensitive identifiers of synthetic people (PIPL Art 28).
# Real county-level region codes (GB/T 2260), so the first six digits look right.
REGION_CODES = [
    "110101", "110105", "310104", "310115", "440305", "440106", "330106", "320102",
    "510107", "420106", "370202", "350203", "610113", "430104", "210102", "120101",
]  # fmt: skip
# UnionPay debit card BINs (62...).
CARD_PREFIXES = ["622202", "622848", "621700", "622588", "621226", "622262", "623058"]
HEALTH_NOTES = [
    "青霉素过敏",
    "高血压，长期服药",
    "2型糖尿病，需定期复诊",
    "哮喘，随身携带吸入剂",
    "孕期，预产期在三个月后",
    "听力障碍，请以短信联系",
    "Allergic to penicillin",
    "Type 2 diabetes; regular check-ups",
    "Hearing impaired: contact by text message",
]

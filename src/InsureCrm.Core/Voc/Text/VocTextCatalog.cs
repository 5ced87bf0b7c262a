namespace InsureCrm.Core.Voc.Text;

/// <summary>
/// VOC types and the two-level category codes as plain strings, so the case model (which owns the reference data)
/// can map them without this folder depending on it.
/// </summary>
internal static class VocLabels
{
    public const string Inquiry = "inquiry";
    public const string Consultation = "consultation";
    public const string Suggestion = "suggestion";
    public const string Complaint = "complaint";
    public const string Compliment = "compliment";
    public const string Report = "report";

    public static readonly IReadOnlyList<string> Types = [Inquiry, Consultation, Suggestion, Complaint, Compliment, Report];

    /// <summary>The first level of a category code: "claims" for "claims.denied".</summary>
    public static string Parent(string category)
    {
        var dot = category.IndexOf('.', StringComparison.Ordinal);
        return dot < 0 ? category : category[..dot];
    }
}

/// <summary>One second-level category with the words its cases are written in (Korean mostly, some English and Chinese).</summary>
/// <param name="Code">Two-level code, e.g. "claims.denied".</param>
/// <param name="Types">The VOC types its cases come as, with weights.</param>
/// <param name="Subjects">Korean subject lines.</param>
/// <param name="Facts">Korean sentences stating the matter, in the customer's voice, ending in 습니다/ㅂ니다 (the channel styles rewrite the endings).</param>
/// <param name="English">English sentences stating the matter.</param>
/// <param name="Chinese">Traditional Chinese sentences stating the matter.</param>
internal sealed record VocTextCategory(
    string Code,
    (string Type, double Weight)[] Types,
    string[] Subjects,
    string[] Facts,
    string[] English,
    string[] Chinese);

/// <summary>The generator's categories and phrase books. Slots: {product} {amount} {date} {days} {months} {contract}.</summary>
internal static class VocTextCatalog
{
    public static readonly IReadOnlyList<VocTextCategory> Categories =
    [
        new("product.explanation",
            [(VocLabels.Inquiry, 0.5), (VocLabels.Complaint, 0.3), (VocLabels.Consultation, 0.2)],
            ["상품 설명 관련", "보장 내용 설명 요청", "약관 내용이 이해가 안 됩니다"],
            [
                "{product}에 가입할 때 보장 범위에 대해 제대로 설명을 듣지 못했습니다.",
                "약관이 너무 어려워서 {product}이 정확히 무엇을 보장하는지 모르겠습니다.",
                "갱신형인지 비갱신형인지 가입할 때 아무도 알려주지 않았습니다.",
                "{product}의 면책기간과 감액기간이 무슨 뜻인지 설명이 부족했습니다.",
                "상품설명서에 적힌 해지환급금 예시가 실제와 달라 이해가 되지 않습니다.",
            ],
            ["Nobody explained what my {product} actually covers.", "The policy terms of my {product} are too hard to understand."],
            ["投保時沒有人清楚說明{product}的保障範圍。", "保單條款太難懂，不知道到底保障什麼。"]),
        new("product.change",
            [(VocLabels.Consultation, 0.6), (VocLabels.Inquiry, 0.4)],
            ["상품 변경 상담", "특약 변경 문의", "보장 변경 요청"],
            [
                "지금 가입된 {product}을 다른 상품으로 바꾸고 싶습니다.",
                "특약 일부를 빼고 보험료를 줄이는 방법이 있는지 알고 싶습니다.",
                "납입기간을 {months}개월 늘리고 월 보험료를 낮추고 싶습니다.",
                "아이가 태어나서 {product}에 자녀 특약을 추가하고 싶습니다.",
                "보장금액을 {amount}으로 올리는 계약 변경이 가능한지 궁금합니다.",
            ],
            ["I would like to switch my {product} to a different plan.", "Can I drop a rider to lower my premium?"],
            ["想把目前的{product}換成其他方案。", "可以取消部分附約來降低保費嗎？"]),
        new("claims.delay",
            [(VocLabels.Complaint, 0.6), (VocLabels.Inquiry, 0.4)],
            ["보험금 지급 지연", "보험금 언제 나오나요", "청구 처리 지연"],
            [
                "{date}에 입원비를 청구했는데 {days}일째 보험금이 지급되지 않았습니다.",
                "수술비 청구 후 {days}일이 지났는데 아직도 심사 중이라는 말만 반복합니다.",
                "보험금 {amount} 청구 건이 처리되지 않아 병원비를 제 돈으로 냈습니다.",
                "손해사정 중이라고만 하고 보험금 지급 일정을 알려주지 않습니다.",
                "실손 청구를 했는데 {days}일 넘게 아무 연락이 없습니다.",
            ],
            ["I filed a claim on {date} and still have not been paid after {days} days.", "My claim for {amount} has been under review for weeks."],
            ["{date}申請理賠，已經{days}天還沒有撥款。", "理賠一直在審核中，沒有人告訴我什麼時候付款。"]),
        new("claims.denied",
            [(VocLabels.Complaint, 0.7), (VocLabels.Inquiry, 0.2), (VocLabels.Consultation, 0.1)],
            ["보험금 지급 거절", "부지급 결정 이의", "보험금 거절 사유 문의"],
            [
                "{product}으로 수술비를 청구했는데 약관상 보장 대상이 아니라며 지급이 거절되었습니다.",
                "고지의무 위반이라는 이유로 보험금 {amount}이 부지급 처리되었습니다.",
                "진단서까지 냈는데 면책기간이라며 보험금을 줄 수 없다고 합니다.",
                "의료자문 결과를 이유로 보험금 지급을 거절당했습니다.",
                "통원 치료비 청구가 거절되었는데 거절 사유를 납득할 수 없습니다.",
            ],
            ["My claim for {amount} was denied as not covered by the policy.", "You refused my surgery claim citing non-disclosure."],
            ["申請手術理賠被拒，說不在保障範圍內。", "以未告知為由拒絕支付{amount}保險金。"]),
        new("claims.documents",
            [(VocLabels.Inquiry, 0.7), (VocLabels.Complaint, 0.2), (VocLabels.Suggestion, 0.1)],
            ["청구 서류 문의", "보험금 청구 서류", "서류 보완 요청 관련"],
            [
                "보험금 청구할 때 진단서 원본이 꼭 필요한지 알고 싶습니다.",
                "서류를 다 냈는데 또 진료비 세부내역서를 보완하라고 합니다.",
                "청구 서류를 앱으로 사진 찍어 올려도 되는지 궁금합니다.",
                "입원확인서와 영수증 외에 어떤 서류가 더 필요한지 모르겠습니다.",
                "팩스로 보낸 청구 서류가 접수되지 않았다고 합니다.",
            ],
            ["Which documents do I need to submit for a claim?", "I sent all the documents but was asked for more again."],
            ["申請理賠需要準備哪些文件？", "文件都交了，又要我補交明細。"]),
        new("payment.autodebit",
            [(VocLabels.Inquiry, 0.5), (VocLabels.Complaint, 0.5)],
            ["자동이체 문의", "보험료 이중 출금", "자동이체 계좌 변경"],
            [
                "이번 달 보험료가 자동이체로 두 번 출금되었습니다.",
                "자동이체 계좌를 다른 은행으로 바꾸고 싶습니다.",
                "자동이체 해지를 요청했는데 {date}에 또 {amount}이 빠져나갔습니다.",
                "잔액이 있었는데 자동이체가 안 되어 미납 안내를 받았습니다.",
                "카드 자동납부로 변경하는 방법을 알고 싶습니다.",
            ],
            ["My premium was debited twice this month.", "How do I change the bank account for automatic payment?"],
            ["這個月保費被自動扣款兩次。", "想更改自動轉帳的銀行帳戶。"]),
        new("payment.refund",
            [(VocLabels.Inquiry, 0.6), (VocLabels.Complaint, 0.4)],
            ["환급금 문의", "해지환급금 관련", "과오납 환급 요청"],
            [
                "해지환급금이 {amount}밖에 안 된다고 해서 너무 적은 것 같습니다.",
                "과오납된 보험료 {amount}을 언제 환급받을 수 있는지 알고 싶습니다.",
                "중도 해지하면 환급금이 얼마인지 미리 계산해 주셨으면 합니다.",
                "만기환급금 지급일이 {date}였는데 아직 입금되지 않았습니다.",
                "해지 신청 후 {days}일이 지났는데 환급금이 들어오지 않았습니다.",
            ],
            ["When will the overpaid premium of {amount} be refunded?", "My surrender value is much lower than I was told."],
            ["解約退還金只有{amount}，太少了。", "溢繳的保費什麼時候退還？"]),
        new("payment.increase",
            [(VocLabels.Complaint, 0.5), (VocLabels.Inquiry, 0.4), (VocLabels.Consultation, 0.1)],
            ["보험료 인상", "갱신 보험료 문의", "보험료가 왜 올랐나요"],
            [
                "갱신되면서 {product} 보험료가 갑자기 두 배 가까이 올랐습니다.",
                "아무 안내 없이 이번 달부터 보험료가 {amount} 인상되었습니다.",
                "실손보험 갱신 보험료 인상률이 너무 높습니다.",
                "나이가 들수록 보험료가 오른다는 설명을 듣지 못했습니다.",
                "보험료 인상 사유와 산출 근거를 알고 싶습니다.",
            ],
            ["My premium went up by {amount} at renewal without notice.", "Why has my {product} premium almost doubled?"],
            ["續保後{product}保費突然漲了將近一倍。", "沒有任何通知就調漲了保費。"]),
        new("agent.rude",
            [(VocLabels.Complaint, 0.85), (VocLabels.Report, 0.15)],
            ["설계사 불친절", "담당자 태도 불만", "설계사 언행 문제"],
            [
                "담당 설계사가 전화로 짜증을 내며 언성을 높였습니다.",
                "설계사가 제 질문을 무시하고 반말로 응대했습니다.",
                "계약 해지 이야기를 꺼내자 설계사 태도가 돌변해 무례하게 굴었습니다.",
                "지점 직원이 고객을 귀찮아하는 태도로 대했습니다.",
                "설계사가 약속 시간에 늦고 사과도 없이 불친절했습니다.",
            ],
            ["My agent was rude and raised his voice on the phone.", "The agent ignored my questions and was disrespectful."],
            ["業務員在電話裡態度很差，還提高音量。", "業務員不理會我的問題，態度很不禮貌。"]),
        new("agent.unreachable",
            [(VocLabels.Complaint, 0.7), (VocLabels.Inquiry, 0.3)],
            ["설계사 연락 두절", "담당자와 연락이 안 됩니다", "설계사 연락 불가"],
            [
                "담당 설계사가 {days}일째 전화도 문자도 받지 않습니다.",
                "가입할 때만 연락하고 그 이후로 설계사와 연락이 되지 않습니다.",
                "청구를 도와준다던 설계사가 연락을 끊었습니다.",
                "설계사 휴대폰이 꺼져 있고 지점에서도 연락처를 모른다고 합니다.",
                "몇 번이나 메시지를 남겼는데 설계사에게서 회신이 없습니다.",
            ],
            ["My agent has not answered calls or messages for {days} days.", "I cannot reach my agent since I signed the contract."],
            ["業務員已經{days}天不接電話也不回訊息。", "簽約後就再也聯絡不到業務員。"]),
        new("agent.turnover",
            [(VocLabels.Inquiry, 0.5), (VocLabels.Complaint, 0.3), (VocLabels.Consultation, 0.2)],
            ["설계사 이직", "담당 설계사 변경", "담당자가 그만뒀다고 합니다"],
            [
                "담당 설계사가 회사를 그만뒀다는데 제 계약은 누가 관리하는지 궁금합니다.",
                "설계사가 다른 보험사로 옮기면서 계약을 갈아타라고 권유했습니다.",
                "새 담당자가 배정되었다는 안내를 받지 못했습니다.",
                "설계사가 이직한 뒤로 계약 관리를 전혀 받지 못하고 있습니다.",
                "담당 설계사를 바꾸고 싶은데 절차를 알고 싶습니다.",
            ],
            ["My agent left the company; who is managing my policy now?", "My former agent asked me to move my policy to his new insurer."],
            ["業務員離職了，現在誰負責我的保單？", "前業務員跳槽後勸我轉保到新公司。"]),
        new("misselling.incomplete",
            [(VocLabels.Complaint, 0.7), (VocLabels.Report, 0.2), (VocLabels.Consultation, 0.1)],
            ["불완전판매 민원", "계약 취소 요청", "가입 권유 문제"],
            [
                "저축이라고 해서 가입했는데 알고 보니 종신보험이었습니다.",
                "원금 보장이 된다는 말만 믿고 가입했는데 사실이 아니었습니다.",
                "청약서에 서명만 하라고 해서 내용을 모른 채 가입했습니다.",
                "연로하신 부모님께 필요 없는 {product}을 여러 건 가입시켰습니다.",
                "불완전판매이므로 계약을 취소하고 납입한 보험료 {amount}을 돌려받고 싶습니다.",
            ],
            ["I was told it was a savings plan, but it turned out to be whole life insurance.", "I was sold a {product} without any explanation and want my premiums back."],
            ["說是儲蓄型商品，結果是終身壽險。", "業務員只叫我簽名，沒有說明內容就投保了。"]),
        new("misselling.disclosure",
            [(VocLabels.Complaint, 0.6), (VocLabels.Report, 0.3), (VocLabels.Inquiry, 0.1)],
            ["설명의무 위반", "중요사항 설명 누락", "약관 설명 의무"],
            [
                "가입 당시 중요사항인 면책 조항을 설명하지 않았습니다.",
                "설계사가 고지의무에 대해 알려주지 않아 나중에 보험금을 못 받았습니다.",
                "상품설명서와 약관을 받지 못했고 설명 확인서에도 대신 서명했습니다.",
                "사업비가 얼마나 빠지는지 설명의무를 지키지 않았습니다.",
                "해약하면 원금 손실이 크다는 사실을 숨기고 판매했습니다.",
            ],
            ["The agent never explained the exclusion clauses when I signed.", "I never received the product summary and the terms."],
            ["投保時沒有說明重要的免責條款。", "沒有拿到商品說明書和條款。"]),
        new("privacy.leak",
            [(VocLabels.Report, 0.5), (VocLabels.Complaint, 0.4), (VocLabels.Inquiry, 0.1)],
            ["개인정보 유출 우려", "개인정보 유출 신고", "제 정보가 어떻게 넘어갔나요"],
            [
                "다른 보험사에서 제 계약 내용을 알고 전화가 왔습니다. 개인정보가 유출된 것 같습니다.",
                "제 주민번호와 병력이 적힌 서류를 설계사가 카톡으로 다른 사람에게 보냈습니다.",
                "우편물이 다른 사람 주소로 발송되어 제 계약 정보가 노출되었습니다.",
                "모르는 업체에서 제 보험 가입 사실을 알고 연락해 왔습니다.",
                "개인정보 처리 현황과 제3자 제공 내역을 확인하고 싶습니다.",
            ],
            ["Another insurer called me knowing my policy details; my data seems to have leaked.", "My documents were sent to a stranger by mistake."],
            ["其他保險公司知道我的保單內容打電話來，個資好像外洩了。", "我的文件被寄到別人的地址。"]),
        new("privacy.marketing",
            [(VocLabels.Complaint, 0.6), (VocLabels.Inquiry, 0.3), (VocLabels.Report, 0.1)],
            ["마케팅 수신 거부", "광고 문자 그만 보내주세요", "마케팅 동의 철회"],
            [
                "마케팅 수신을 거부했는데도 광고 문자가 계속 옵니다.",
                "하루에도 몇 번씩 보험 가입 권유 전화가 와서 너무 괴롭습니다.",
                "마케팅 활용 동의를 철회하고 싶습니다.",
                "수신 거부 처리를 {date}에 요청했는데 아직도 홍보 전화가 옵니다.",
                "밤늦게 텔레마케팅 전화가 와서 잠을 깼습니다.",
            ],
            ["I opted out of marketing but still receive promotional texts.", "Please stop the sales calls; I withdraw my marketing consent."],
            ["已經拒絕行銷訊息，還是一直收到廣告簡訊。", "請停止推銷電話，我要撤回行銷同意。"]),
        new("service.callcenter",
            [(VocLabels.Complaint, 0.6), (VocLabels.Suggestion, 0.4)],
            ["콜센터 대기", "상담원 연결이 안 됩니다", "고객센터 통화 불만"],
            [
                "콜센터에 전화하면 상담원 연결까지 {days}분 넘게 기다려야 합니다.",
                "ARS 안내가 너무 길고 상담원 연결 메뉴를 찾을 수 없습니다.",
                "상담원이 다른 부서로 전화를 돌리기만 하고 해결해 주지 않습니다.",
                "콜센터 운영 시간이 짧아서 직장인은 통화하기 어렵습니다.",
                "콜백 예약을 했는데 전화가 오지 않았습니다.",
            ],
            ["I waited more than {days} minutes to reach an agent at the call center.", "The call center keeps transferring me between departments."],
            ["打客服電話要等{days}分鐘以上才有人接。", "客服一直把電話轉來轉去，問題沒有解決。"]),
        new("service.web",
            [(VocLabels.Complaint, 0.4), (VocLabels.Suggestion, 0.4), (VocLabels.Inquiry, 0.2)],
            ["홈페이지 오류", "모바일 앱 불편", "앱 로그인 문제"],
            [
                "모바일 앱에서 보험금 청구 화면이 계속 오류가 납니다.",
                "홈페이지 로그인할 때마다 인증서 오류가 발생합니다.",
                "앱 업데이트 후 계약 조회 메뉴가 사라졌습니다.",
                "홈페이지에서 납입증명서를 출력할 수 없습니다.",
                "앱 글씨가 너무 작아서 어르신들이 쓰기 어렵습니다.",
            ],
            ["The mobile app crashes on the claim screen.", "I cannot log in to the website because of a certificate error."],
            ["手機App申請理賠畫面一直出錯。", "官網登入時一直出現憑證錯誤。"]),
        new("internal.process",
            [(VocLabels.Suggestion, 0.7), (VocLabels.Complaint, 0.15), (VocLabels.Inquiry, 0.15)],
            ["업무 개선 제안", "내부 프로세스 건의", "전산 개선 요청"],
            [
                "청약 서류 스캔 후 전산 등록까지 같은 정보를 세 번 입력해야 합니다.",
                "지점 간 계약 이관 결재 단계가 너무 많아 고객 응대가 늦어집니다.",
                "민원 회신 양식이 부서마다 달라서 통일했으면 합니다.",
                "영업지원 시스템 조회 속도가 느려 상담 중 고객을 기다리게 합니다.",
                "신입 설계사 교육 자료가 오래되어 최신 상품이 빠져 있습니다.",
            ],
            ["We enter the same application data three times in different systems.", "Branch transfer approvals take too many steps."],
            ["同一份要保書資料要在系統裡輸入三次。", "分公司之間移轉契約的簽核流程太多。"]),
        new("compliment.agent",
            [(VocLabels.Compliment, 1.0)],
            ["설계사 칭찬", "담당 설계사님께 감사", "칭찬합니다"],
            [
                "담당 설계사님이 보험금 청구를 처음부터 끝까지 도와주셨습니다.",
                "설계사님이 주말에도 병원까지 찾아와 서류를 챙겨 주셨습니다.",
                "꼼꼼하게 보장 내용을 설명해 주셔서 안심하고 가입했습니다.",
                "어머니 장례 때 설계사님이 직접 오셔서 절차를 안내해 주셨습니다.",
                "필요 없는 특약은 빼라고 솔직하게 조언해 주셔서 믿음이 갔습니다.",
            ],
            ["My agent helped me with the whole claim from start to finish.", "The agent explained everything so carefully; thank you."],
            ["業務員從頭到尾幫我處理理賠，非常感謝。", "業務員很仔細地說明保障內容。"]),
        new("compliment.callcenter",
            [(VocLabels.Compliment, 1.0)],
            ["콜센터 상담원 칭찬", "고객센터 감사 인사", "친절한 상담 감사합니다"],
            [
                "콜센터 상담원분이 친절하고 빠르게 해결해 주셨습니다.",
                "고객센터 상담사님이 복잡한 청구 절차를 차근차근 알려주셨습니다.",
                "화가 나서 전화했는데 상담원분이 끝까지 차분하게 들어주셨습니다.",
                "상담원께서 약속한 시간에 정확히 다시 전화를 주셨습니다.",
                "어르신인 저에게 천천히 큰 목소리로 설명해 주셔서 감사했습니다.",
            ],
            ["The call center agent solved my problem quickly and kindly.", "Your phone consultant patiently walked me through the claim."],
            ["客服人員很親切，很快就幫我解決問題。", "客服耐心地一步一步說明理賠流程。"]),
    ];

    public static readonly IReadOnlyDictionary<string, VocTextCategory> ByCode =
        Categories.ToDictionary(c => c.Code, StringComparer.Ordinal);

    public static readonly string[] Products =
    [
        "무배당 건강보험", "(무)든든암보험", "실손의료보험", "종신보험", "연금저축보험", "어린이보험", "운전자보험", "치아보험",
        "간병보험", "정기보험",
    ];

    public static readonly string[] EnglishProducts = ["health policy", "cancer policy", "medical expense policy", "whole life policy", "annuity"];

    public static readonly string[] ChineseProducts = ["健康險", "癌症險", "實支實付醫療險", "終身壽險", "年金保險"];

    /// <summary>Korean openers and closers per type, in the customer's voice.</summary>
    public static readonly IReadOnlyDictionary<string, (string[] Openers, string[] Closers)> Voice =
        new Dictionary<string, (string[], string[])>(StringComparer.Ordinal)
        {
            [VocLabels.Inquiry] = (["문의드립니다.", "궁금한 점이 있어 연락드립니다.", "확인 부탁드립니다.", ""],
                ["어떻게 하면 되는지 알려주세요.", "절차 안내 부탁드립니다.", "언제쯤 가능한지 궁금합니다.", "답변 기다리겠습니다."]),
            [VocLabels.Consultation] = (["상담 받고 싶어 연락드립니다.", "상담 요청드립니다.", ""],
                ["전화 상담 가능할까요?", "방문 상담 일정을 잡아 주세요.", "담당자 상담을 원합니다."]),
            [VocLabels.Suggestion] = (["건의드립니다.", "제안 하나 드리겠습니다.", "개선 의견 남깁니다."],
                ["개선해 주시면 좋겠습니다.", "검토 부탁드립니다.", "다른 고객들을 위해서라도 바꿔 주셨으면 합니다."]),
            [VocLabels.Complaint] = (["정말 화가 납니다.", "민원 제기합니다.", "너무 불쾌합니다.", "도저히 참을 수가 없어 글을 씁니다."],
                ["빠른 처리 바랍니다.", "해결되지 않으면 금융감독원에 민원을 넣겠습니다.", "책임자의 답변을 요구합니다.", "이게 말이 됩니까?"]),
            [VocLabels.Compliment] = (["감사 인사 드리고 싶어 글 남깁니다.", "칭찬하고 싶은 분이 있습니다.", ""],
                ["꼭 칭찬해 주세요.", "정말 감사합니다!", "회사에서 포상해 주셨으면 합니다."]),
            [VocLabels.Report] = (["신고합니다.", "제보드립니다.", "부당한 일이 있어 신고합니다."],
                ["조사해 주시기 바랍니다.", "확인 후 조치 바랍니다.", "관련자를 엄중히 처리해 주십시오."]),
        };

    /// <summary>Korean lines a consultant writes in a call summary per type (개조식).</summary>
    public static readonly IReadOnlyDictionary<string, (string[] Openers, string[] Closers)> Memo =
        new Dictionary<string, (string[], string[])>(StringComparer.Ordinal)
        {
            [VocLabels.Inquiry] = (["고객 문의.", "문의 인입.", ""], ["안내 요청함.", "절차 안내 후 종료.", "확인 후 회신 예정."]),
            [VocLabels.Consultation] = (["상담 요청.", "고객 상담 희망.", ""], ["담당 설계사 상담 연결 요청.", "상담 일정 조율 필요."]),
            [VocLabels.Suggestion] = (["고객 건의.", "개선 요청.", ""], ["개선 검토 요청함.", "관련 부서 전달 요망."]),
            [VocLabels.Complaint] = (["고객 강한 불만 표출.", "민원 접수.", "불만 인입."], ["빠른 처리 요구함.", "금감원 민원 언급함.", "책임자 회신 요구."]),
            [VocLabels.Compliment] = (["칭찬 인입.", "고객 감사 전화."], ["칭찬 전달 요청함.", "해당 직원 포상 희망."]),
            [VocLabels.Report] = (["신고 접수.", "제보 인입."], ["사실 확인 및 조치 요청함.", "조사 요청."]),
        };

    public static readonly IReadOnlyDictionary<string, (string Opener, string Closer)> EnglishFrames =
        new Dictionary<string, (string, string)>(StringComparer.Ordinal)
        {
            [VocLabels.Inquiry] = ("I have a question.", "Could you tell me what to do?"),
            [VocLabels.Consultation] = ("I would like a consultation.", "Please call me to discuss."),
            [VocLabels.Suggestion] = ("I have a suggestion.", "Please consider improving this."),
            [VocLabels.Complaint] = ("I am very unhappy and want to file a complaint.", "I expect a prompt resolution."),
            [VocLabels.Compliment] = ("I want to say thank you.", "Please pass on my thanks."),
            [VocLabels.Report] = ("I want to report a problem.", "Please investigate."),
        };

    public static readonly IReadOnlyDictionary<string, (string Opener, string Closer)> ChineseFrames =
        new Dictionary<string, (string, string)>(StringComparer.Ordinal)
        {
            [VocLabels.Inquiry] = ("想請問一下。", "請告訴我該怎麼辦。"),
            [VocLabels.Consultation] = ("想預約諮詢。", "請打電話給我。"),
            [VocLabels.Suggestion] = ("我想提個建議。", "希望能改善。"),
            [VocLabels.Complaint] = ("我非常不滿，要申訴。", "請盡快處理。"),
            [VocLabels.Compliment] = ("想表達感謝。", "請轉達我的謝意。"),
            [VocLabels.Report] = ("我要檢舉。", "請調查處理。"),
        };

    public static readonly string[] ComplaintEmotions =
        ["진짜 어이가 없네요.", "화가 나서 잠이 안 옵니다.", "고객을 뭘로 보는 겁니까.", "실망이 큽니다.", "너무 답답합니다."];

    /// <summary>How a customer says it is the same matter again (the repeat's ground truth is the matter key, not these).</summary>
    public static readonly string[] RepeatCues =
    [
        "세 번째 연락드립니다.", "지난번에 전화로도 말씀드렸는데", "{date}에도 같은 내용으로 문의했었는데 아직 답이 없습니다.",
        "이전에 접수한 건 관련입니다.", "몇 번째 말씀드리는지 모르겠습니다.", "저번에 이메일로 보냈던 건입니다.", "아직도 해결이 안 되어 다시 씁니다.",
    ];

    public static readonly string[] MemoRepeatCues = ["재인입 고객. 이전 접수 건 재문의.", "동일 건 재민원.", "기존 접수 건 진행 상황 재확인 요청."];

    /// <summary>A near miss sounds like a repeat sometimes, so a matcher cannot lean on the cue words alone.</summary>
    public static readonly string[] NearMissCues = ["다른 건으로 또 연락드립니다.", "이번에는 다른 문제입니다.", "또 연락드리게 되었네요."];

    public static readonly string[] RelativeDates = ["지난주", "지난달 초", "며칠 전", "2주 전", "어제"];
}

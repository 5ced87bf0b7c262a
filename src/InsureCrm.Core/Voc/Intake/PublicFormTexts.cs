namespace InsureCrm.Core.Voc.Intake;

/// <summary>
/// The words the public VOC form shows, in the product's three languages (Korean the default): the consent to
/// the collection and use of personal data that the customer must give before sending (개인정보 수집·이용 동의,
/// with the four items the Personal Information Protection Act requires: purpose, items, retention, the right
/// to refuse and what refusing means), and what each refusal of <see cref="PublicFormGuard"/> tells the person.
/// </summary>
internal static class PublicFormTexts
{
    public static readonly IReadOnlyList<string> Languages = ["ko", "en", "zh-TW"];

    /// <summary>The consent's heading, by language.</summary>
    public static string ConsentTitle(string language) => Pick(language,
        "개인정보 수집·이용 동의 (필수)",
        "Consent to the collection and use of personal data (required)",
        "個人資料蒐集及利用同意（必要）");

    /// <summary>The consent text shown above the check box, by language; one paragraph per line.</summary>
    public static string Consent(string language) => Pick(language,
        """
        1. 수집·이용 목적: 고객님의 불만·문의·제안·칭찬 접수, 처리 및 결과 회신, 재발 방지를 위한 분석
        2. 수집 항목: 이름, 연락처(휴대전화 또는 이메일), 증권번호(선택), 접수 내용
        3. 보유·이용 기간: 접수일로부터 5년 (관계 법령에서 정한 기간이 더 길면 그 기간)
        4. 동의를 거부할 권리가 있으며, 거부하시면 온라인 접수가 불가합니다. 이 경우 고객센터 전화나 지점 방문으로 접수하실 수 있습니다.
        """,
        """
        1. Purpose: receiving and handling your complaint, inquiry, suggestion or compliment, replying with the outcome, and analysis to prevent it from happening again
        2. Data collected: name, contact (mobile phone or e-mail), policy number (optional), what you write
        3. Retention: 5 years from receipt (longer where the law requires)
        4. You may refuse to consent; the form cannot then be sent, and you can reach us by calling the customer center or visiting a branch instead.
        """,
        """
        1. 蒐集及利用目的：受理、處理您的申訴、諮詢、建議或讚美並回覆結果，以及為防止再次發生所做的分析
        2. 蒐集項目：姓名、聯絡方式（手機或電子郵件）、保單號碼（選填）、您填寫的內容
        3. 保存及利用期間：自受理日起 5 年（法令規定較長者，依其規定）
        4. 您有權拒絕同意；拒絕時將無法以線上表單送出，您仍可撥打客服中心電話或親臨分行辦理。
        """);

    /// <summary>The check box's label, by language.</summary>
    public static string ConsentCheckbox(string language) => Pick(language,
        "위 내용을 읽었으며 개인정보 수집·이용에 동의합니다.",
        "I have read the above and consent to the collection and use of my personal data.",
        "我已閱讀上述內容，並同意個人資料之蒐集及利用。");

    /// <summary>What the person reads when the guard refuses; what to do next included. Honeypot: the usual thanks (the bot learns nothing).</summary>
    public static string Refusal(PublicFormRefusal refusal, string language) => refusal switch
    {
        PublicFormRefusal.None or PublicFormRefusal.Honeypot => Pick(language,
            "접수되었습니다. 담당 부서에서 확인 후 연락드리겠습니다.",
            "Thank you: your message has been received. The team in charge will contact you.",
            "已受理。負責部門確認後將與您聯絡。"),
        PublicFormRefusal.TokenMissing or PublicFormRefusal.TokenInvalid or PublicFormRefusal.TokenExpired or PublicFormRefusal.TokenReused => Pick(language,
            "양식이 만료되었거나 이미 제출되었습니다. 페이지를 새로 고친 뒤 다시 보내 주세요. 작성하신 내용은 아래에 그대로 있습니다.",
            "This form has expired or was already sent. Reload the page and send it again; what you wrote is kept below.",
            "此表單已逾時或已送出。請重新整理頁面後再送出；您填寫的內容保留在下方。"),
        PublicFormRefusal.TooFast => Pick(language,
            "너무 빨리 제출되었습니다. 내용을 확인하신 후 잠시 뒤 다시 보내 주세요.",
            "That was sent very quickly. Please check what you wrote and send it again in a few seconds.",
            "送出速度過快。請確認內容後，稍候幾秒再送出。"),
        PublicFormRefusal.RateLimited => Pick(language,
            "짧은 시간에 접수가 많았습니다. 10분쯤 뒤에 다시 보내 주시거나 고객센터로 전화해 주세요.",
            "Many messages have come from your connection in a short time. Please try again in about 10 minutes, or call the customer center.",
            "短時間內送出次數過多。請約 10 分鐘後再試，或撥打客服中心電話。"),
        PublicFormRefusal.DailyLimit => Pick(language,
            "오늘 이 연결에서 받을 수 있는 접수 건수를 넘었습니다. 내일 다시 보내 주시거나 고객센터로 전화해 주세요.",
            "Today's limit of messages from your connection is reached. Please send it tomorrow, or call the customer center.",
            "今日來自此連線的送出次數已達上限。請明日再送出，或撥打客服中心電話。"),
        PublicFormRefusal.DuplicateText => Pick(language,
            "같은 내용이 이미 접수되었습니다. 추가하실 내용이 있으면 덧붙여 다시 보내 주세요.",
            "The same message has already been received. If you have something to add, add it and send again.",
            "相同內容已受理。如有補充，請加上後再送出。"),
        _ => throw new ArgumentOutOfRangeException(nameof(refusal)),
    };

    private static string Pick(string language, string ko, string en, string zhTw) => language switch
    {
        "en" => en,
        "zh-TW" => zhTw,
        _ => ko,
    };
}

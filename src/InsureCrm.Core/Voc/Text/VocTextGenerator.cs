using System.Globalization;
using System.Text;

namespace InsureCrm.Core.Voc.Text;

/// <summary>One generated VOC text with its ground truth.</summary>
/// <param name="Id">Position in time order, from 0.</param>
/// <param name="CustomerKey">A synthetic customer key ("C000123"); the same customer has several cases.</param>
/// <param name="ContractNo">The contract the case is about, or null for an employee suggestion.</param>
/// <param name="Type">Ground truth: the VOC type (<see cref="VocLabels"/>).</param>
/// <param name="Category">Ground truth: the two-level category code.</param>
/// <param name="Channel">How it came in (phone, web, email, branch, letter, regulator, survey, internal).</param>
/// <param name="Language">ko, en or zh-TW.</param>
/// <param name="Subject">The subject line.</param>
/// <param name="Text">The text as received.</param>
/// <param name="MatterKey">Ground truth: cases with the same key are the same matter (a repeat and its original).</param>
/// <param name="ReceivedAt">When it came in.</param>
/// <param name="RepeatOf">Ground truth: the id of the earlier case this one repeats, or null.</param>
/// <param name="NearMiss">Planted on purpose: the same customer on a different matter shortly after an earlier case.</param>
internal sealed record VocTextRecord(
    int Id,
    string CustomerKey,
    string? ContractNo,
    string Type,
    string Category,
    string Channel,
    string Language,
    string Subject,
    string Text,
    string MatterKey,
    DateTimeOffset ReceivedAt,
    int? RepeatOf,
    bool NearMiss);

/// <summary>What to generate.</summary>
/// <param name="Cases">Number of cases, repeats and near misses included.</param>
/// <param name="Seed">The same seed gives the same cases.</param>
/// <param name="Start">The first day cases arrive.</param>
/// <param name="Days">Cases arrive over this many days.</param>
/// <param name="RepeatShare">Share of the cases that repeat an earlier matter of the same customer.</param>
/// <param name="NearMissShare">Share of the cases that are the same customer on another matter, soon after.</param>
/// <param name="RepeatWithinDays">A repeat or near miss arrives within this many days of the earlier case.</param>
/// <param name="ForeignShare">Share of the cases written in English or Traditional Chinese.</param>
internal sealed record VocTextGeneration(
    int Cases,
    int Seed,
    DateTimeOffset Start,
    int Days = 180,
    double RepeatShare = 0.15,
    double NearMissShare = 0.10,
    int RepeatWithinDays = 30,
    double ForeignShare = 0.06);

/// <summary>
/// Realistic VOC texts for the demo and the tests: Korean (some English and Traditional Chinese) per type and category,
/// written the way each channel writes (a consultant's call summary, an e-mail, a web form, a letter, a regulator's
/// referral, a survey comment, an employee's suggestion), with typos and spacing variants, planted repeats in other
/// words through another channel, and near misses. Deterministic per seed.
/// </summary>
internal static class VocTextGenerator
{
    public const string Phone = "phone";
    public const string Web = "web";
    public const string Email = "email";
    public const string Branch = "branch";
    public const string Letter = "letter";
    public const string Regulator = "regulator";
    public const string Survey = "survey";
    public const string Internal = "internal";

    private static readonly (string Channel, double Weight)[] CustomerChannels =
        [(Phone, 0.35), (Web, 0.2), (Email, 0.15), (Branch, 0.1), (Letter, 0.05), (Regulator, 0.05), (Survey, 0.1)];

    private static readonly (string From, string To)[] MemoEndings =
    [
        ("되었습니다", "되었음"), ("했습니다", "했음"), ("없습니다", "없음"), ("있습니다", "있음"), ("않습니다", "않음"),
        ("됩니다", "됨"), ("합니다", "함"), ("입니다", "임"), ("습니다", "음"), ("저는 ", "고객은 "), ("제 ", "고객 "),
    ];

    private static readonly (string From, string To)[] CasualEndings =
    [
        ("되었습니다", "됐어요"), ("했습니다", "했어요"), ("없습니다", "없어요"), ("있습니다", "있어요"), ("않습니다", "않아요"),
        ("됩니다", "돼요"), ("합니다", "해요"), ("싶습니다", "싶어요"), ("모르겠습니다", "모르겠어요"),
    ];

    private static readonly (string From, string To)[] Typos =
    [
        ("않", "안"), ("됐", "됬"), ("습니다", "슴다"), ("어요", "어여"), ("보험금", "보험굼"), ("설계사", "설게사"), ("합니다", "함니다"),
    ];

    public static IReadOnlyList<VocTextRecord> Generate(VocTextGeneration options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfNegative(options.Cases);
        var random = new Random(options.Seed);
        var customers = Math.Max(1, options.Cases / 2);
        var drafts = new List<Draft>(options.Cases);
        var matters = 0;
        var repeatable = VocTextCatalog.Categories.Where(c => c.Types.All(t => t.Type != VocLabels.Compliment) && c.Code != "internal.process").ToArray();
        for (var i = 0; i < options.Cases; i++)
        {
            var roll = random.NextDouble();
            var earlier = drafts.Count > 0 ? drafts[random.Next(drafts.Count)] : null;
            if (earlier is not null && roll < options.RepeatShare && VocLabels.Parent(earlier.Category) is not ("compliment" or "internal"))
            {
                drafts.Add(Repeat(random, earlier, options));
                continue;
            }
            if (earlier is not null && earlier.ContractNo is not null && roll < options.RepeatShare + options.NearMissShare)
            {
                // A third of the near misses are the hardest kind: the same category on another contract (a second claim).
                var sameCategory = random.NextDouble() < 0.3 && repeatable.Any(c => c.Code == earlier.Category);
                var other = repeatable.Where(c => c.Code != earlier.Category).ToArray();
                var category = sameCategory ? VocTextCatalog.ByCode[earlier.Category] : other[random.Next(other.Length)];
                var contract = sameCategory
                    ? OtherContract(earlier.CustomerKey, earlier.ContractNo)
                    : random.NextDouble() < 0.5 ? earlier.ContractNo : ContractOf(earlier.CustomerKey, random.Next(3));
                var at = earlier.ReceivedAt.AddHours(random.Next(2, options.RepeatWithinDays * 24 - 1));
                drafts.Add(Fresh(random, category, earlier.CustomerKey, contract, at, $"M{matters++}", options, nearMiss: true));
                continue;
            }
            var cat = VocTextCatalog.Categories[random.Next(VocTextCatalog.Categories.Count)];
            var customer = $"C{random.Next(customers):D6}";
            var internalCase = cat.Code == "internal.process";
            var when = options.Start.AddMinutes(random.Next(Math.Max(1, options.Days) * 24 * 60));
            drafts.Add(Fresh(random, cat, internalCase ? $"E{random.Next(500):D4}" : customer,
                internalCase ? null : ContractOf(customer, random.Next(3)), when, $"M{matters++}", options, nearMiss: false));
        }
        var ordered = drafts.Select((d, i) => (d, i)).OrderBy(p => p.d.ReceivedAt).ThenBy(p => p.i).Select(p => p.d).ToList();
        var ids = new Dictionary<Draft, int>(ReferenceEqualityComparer.Instance);
        for (var i = 0; i < ordered.Count; i++)
        {
            ids[ordered[i]] = i;
        }
        return ordered.Select((d, i) => new VocTextRecord(i, d.CustomerKey, d.ContractNo, d.Type, d.Category, d.Channel, d.Language,
            d.Subject, d.Text, d.MatterKey, d.ReceivedAt, d.RepeatOf is null ? null : ids[d.RepeatOf], d.NearMiss)).ToList();
    }

    private sealed record Draft(string CustomerKey, string? ContractNo, string Type, string Category, string Channel, string Language,
        string Subject, string Text, string MatterKey, DateTimeOffset ReceivedAt, Draft? RepeatOf, bool NearMiss, int FactIndex);

    private static string ContractOf(string customer, int n) =>
        string.Create(CultureInfo.InvariantCulture, $"P{customer[1..]}{n}");

    private static string OtherContract(string customer, string contract)
    {
        for (var n = 0; ; n++)
        {
            var candidate = ContractOf(customer, n);
            if (candidate != contract)
            {
                return candidate;
            }
        }
    }

    private static Draft Fresh(Random random, VocTextCategory category, string customer, string? contract, DateTimeOffset at,
        string matter, VocTextGeneration options, bool nearMiss)
    {
        var type = Pick(random, category.Types);
        var channel = category.Code == "internal.process" ? Internal : ChannelFor(random, type, null);
        var language = random.NextDouble() < options.ForeignShare && channel is Web or Email ? (random.Next(2) == 0 ? "en" : "zh-TW") : "ko";
        var fact = random.Next(category.Facts.Length);
        var cue = nearMiss && random.NextDouble() < 0.3 ? VocTextCatalog.NearMissCues[random.Next(VocTextCatalog.NearMissCues.Length)] : null;
        var (subject, text) = Write(random, category, type, channel, language, fact, cue, at, contract);
        return new Draft(customer, contract, type, category.Code, channel, language, subject, text, matter, at, null, nearMiss, fact);
    }

    private static Draft Repeat(Random random, Draft earlier, VocTextGeneration options)
    {
        var category = VocTextCatalog.ByCode[earlier.Category];
        if (random.NextDouble() < 0.15)
        {
            // The same matter told from another side: a delayed claim comes back as a documents complaint.
            var siblings = VocTextCatalog.Categories
                .Where(c => c.Code != category.Code && VocLabels.Parent(c.Code) == VocLabels.Parent(category.Code)).ToArray();
            category = siblings.Length > 0 ? siblings[random.Next(siblings.Length)] : category;
        }
        var type = random.NextDouble() < 0.6 && category.Types.Any(t => t.Type == VocLabels.Complaint) ? VocLabels.Complaint
            : category.Types.Any(t => t.Type == earlier.Type) ? earlier.Type : Pick(random, category.Types);
        var channel = ChannelFor(random, type, earlier.Channel);
        var language = earlier.Language is "ko" ? "ko" : (random.NextDouble() < 0.5 ? earlier.Language : "ko");
        var fact = category.Code == earlier.Category
            ? (earlier.FactIndex + 1 + random.Next(category.Facts.Length - 1)) % category.Facts.Length
            : random.Next(category.Facts.Length);
        var at = earlier.ReceivedAt.AddHours(random.Next(2, options.RepeatWithinDays * 24 - 1));
        var cue = channel is Phone or Branch or Regulator
            ? VocTextCatalog.MemoRepeatCues[random.Next(VocTextCatalog.MemoRepeatCues.Length)]
            : VocTextCatalog.RepeatCues[random.Next(VocTextCatalog.RepeatCues.Length)];
        cue = random.NextDouble() < 0.15 ? null : cue;
        var (subject, text) = Write(random, category, type, channel, language, fact, cue, earlier.ReceivedAt, earlier.ContractNo);
        return new Draft(earlier.CustomerKey, earlier.ContractNo, type, category.Code, channel, language, subject, text,
            earlier.MatterKey, at, earlier, false, fact);
    }

    private static string ChannelFor(Random random, string type, string? not)
    {
        for (var attempt = 0; ; attempt++)
        {
            var channel = Pick(random, CustomerChannels);
            if (channel == Regulator && type is not (VocLabels.Complaint or VocLabels.Report))
            {
                continue;
            }
            if (channel == not && attempt < 20)
            {
                continue;
            }
            return channel;
        }
    }

    private static (string Subject, string Text) Write(Random random, VocTextCategory category, string type, string channel,
        string language, int fact, string? cue, DateTimeOffset at, string? contract)
    {
        // One product per contract, so an e-mail's "치아보험 계약자입니다" and its facts, and a repeat and its original, agree.
        var products = language switch
        {
            "en" => VocTextCatalog.EnglishProducts,
            "zh-TW" => VocTextCatalog.ChineseProducts,
            _ => VocTextCatalog.Products,
        };
        var product = contract is null ? products[random.Next(products.Length)] : products[contract.Sum(ch => ch) % products.Length];
        if (language == "en")
        {
            var (opener, closer) = VocTextCatalog.EnglishFrames[type];
            var body = Fill(random, category.English[fact % category.English.Length], at, language, product);
            var subject = category.Code.Replace('.', ' ').Replace("misselling", "mis-selling", StringComparison.Ordinal);
            var repeat = cue is null ? "" : "This is not the first time I contact you about this. ";
            return (subject, $"Hello,\n\n{repeat}{opener} {body} {closer}\n\nRegards");
        }
        if (language == "zh-TW")
        {
            var (opener, closer) = VocTextCatalog.ChineseFrames[type];
            var body = Fill(random, category.Chinese[fact % category.Chinese.Length], at, language, product);
            var repeat = cue is null ? "" : "這件事我已經反映過了。";
            return (category.Chinese[0].Length > 12 ? category.Chinese[0][..12] : category.Chinese[0], $"您好，{repeat}{opener}{body}{closer}謝謝。");
        }
        var facts = Fill(random, category.Facts[fact], at, language, product);
        if (random.NextDouble() < 0.35)
        {
            var second = (fact + 1 + random.Next(category.Facts.Length - 1)) % category.Facts.Length;
            facts += " " + Fill(random, category.Facts[second], at, language, product);
        }
        var (openers, closers) = VocTextCatalog.Voice[type];
        var voiceOpener = openers[random.Next(openers.Length)];
        var voiceCloser = closers[random.Next(closers.Length)];
        var emotion = type == VocLabels.Complaint && random.NextDouble() < 0.4
            ? VocTextCatalog.ComplaintEmotions[random.Next(VocTextCatalog.ComplaintEmotions.Length)]
            : "";
        var cueText = cue is null ? "" : Fill(random, cue, at, language, product) + " ";
        var koSubject = category.Subjects[random.Next(category.Subjects.Length)];
        string text;
        string subjectLine;
        switch (channel)
        {
            case Phone:
            case Branch:
            {
                var (mo, mc) = VocTextCatalog.Memo[type];
                var head = (channel == Phone ? "[통화요약]" : "[지점접수] 내점 고객 요청사항:")
                    + (random.Next(2) == 0 ? "" : " 본인 확인 완료.")
                    + (random.Next(3) == 0 ? "" : $" 상품: {product}.");
                text = Join(head, cueText, mo[random.Next(mo.Length)], Rewrite(facts, MemoEndings), mc[random.Next(mc.Length)]);
                subjectLine = channel == Phone ? $"전화 상담 - {koSubject}" : $"지점 접수 - {koSubject}";
                break;
            }
            case Regulator:
            {
                var (_, mc) = VocTextCatalog.Memo[type];
                text = Join("[금융감독원 이첩 민원] 민원인 주장 요지:", cueText, Rewrite(facts, MemoEndings).Replace("고객", "민원인", StringComparison.Ordinal),
                    "민원인은", mc[random.Next(mc.Length)], "회신기한 내 처리 바람.");
                subjectLine = $"[금감원] {koSubject}";
                break;
            }
            case Email:
                text = $"안녕하세요. {product} 계약자입니다.\n\n{cueText}{voiceOpener} {facts} {emotion} {voiceCloser}\n\n감사합니다.";
                subjectLine = random.NextDouble() < 0.3 ? $"RE: {koSubject}" : koSubject;
                break;
            case Letter:
                text = $"보험사 담당자님께.\n삼가 글월 올립니다. {cueText}{voiceOpener} {facts} {emotion} {voiceCloser}\n귀사의 성의 있는 답변을 기다리겠습니다.";
                subjectLine = $"서신 접수 - {koSubject}";
                break;
            case Survey:
                text = Casual(random, $"[만족도 조사 의견] {random.Next(1, 6)}점. {cueText}{facts} {emotion}");
                subjectLine = "설문 의견";
                break;
            case Internal:
                text = $"[직원 제안] {voiceOpener} {facts} {voiceCloser}";
                subjectLine = koSubject;
                break;
            default:
                text = random.NextDouble() < 0.5
                    ? Casual(random, $"{cueText}{voiceOpener} {facts} {emotion} {voiceCloser}")
                    : $"{cueText}{voiceOpener} {facts} {emotion} {voiceCloser}";
                subjectLine = koSubject;
                break;
        }
        return (subjectLine, Noise(random, Tidy(text)));
    }

    private static string Join(params string[] parts) => string.Join(' ', parts.Where(p => p.Length > 0).Select(p => p.Trim()));

    private static string Tidy(string text)
    {
        var builder = new StringBuilder(text.Length);
        foreach (var ch in text)
        {
            if (ch == ' ' && builder.Length > 0 && builder[^1] is ' ' or '\n')
            {
                continue;
            }
            builder.Append(ch);
        }
        return builder.ToString().Replace(" \n", "\n", StringComparison.Ordinal).Trim();
    }

    private static string Fill(Random random, string template, DateTimeOffset at, string language, string product)
    {
        var won = random.Next(3, 500) * 10_000m;
        var amount = language == "ko" && random.Next(2) == 0
            ? string.Create(CultureInfo.InvariantCulture, $"{won / 10_000m:0}만 원")
            : string.Create(CultureInfo.InvariantCulture, $"{won:N0}원").Replace("원", language == "ko" ? "원" : " KRW", StringComparison.Ordinal);
        var day = at.AddDays(-random.Next(3, 40));
        var date = language == "ko" && random.Next(3) == 0
            ? VocTextCatalog.RelativeDates[random.Next(VocTextCatalog.RelativeDates.Length)]
            : language == "ko"
                ? string.Create(CultureInfo.InvariantCulture, $"{day.Month}월 {day.Day}일")
                : day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        return template
            .Replace("{product}", product, StringComparison.Ordinal)
            .Replace("{amount}", amount, StringComparison.Ordinal)
            .Replace("{date}", date, StringComparison.Ordinal)
            .Replace("{days}", random.Next(7, 60).ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("{months}", random.Next(6, 61).ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("{contract}", "", StringComparison.Ordinal);
    }

    private static string Rewrite(string text, (string From, string To)[] pairs)
    {
        foreach (var (from, to) in pairs)
        {
            text = text.Replace(from, to, StringComparison.Ordinal);
        }
        return text;
    }

    private static string Casual(Random random, string text)
    {
        text = Rewrite(text, CasualEndings);
        return random.Next(3) switch
        {
            0 => text.Replace(".", "..", StringComparison.Ordinal),
            1 => text + " ㅠㅠ",
            _ => text,
        };
    }

    /// <summary>Writers' slips: spaces dropped or doubled, common misspellings, repeated punctuation.</summary>
    private static string Noise(Random random, string text)
    {
        if (random.NextDouble() < 0.25)
        {
            var builder = new StringBuilder(text.Length);
            foreach (var ch in text)
            {
                if (ch == ' ' && random.NextDouble() < 0.4)
                {
                    continue;
                }
                builder.Append(ch);
            }
            text = builder.ToString();
        }
        if (random.NextDouble() < 0.2)
        {
            var (from, to) = Typos[random.Next(Typos.Length)];
            var at = text.IndexOf(from, StringComparison.Ordinal);
            if (at >= 0)
            {
                text = string.Concat(text.AsSpan(0, at), to, text.AsSpan(at + from.Length));
            }
        }
        if (random.NextDouble() < 0.1)
        {
            text = text.Replace("?", "??", StringComparison.Ordinal).Replace("!", "!!!", StringComparison.Ordinal);
        }
        return text;
    }

    private static T Pick<T>(Random random, (T Item, double Weight)[] items)
    {
        var total = items.Sum(i => i.Weight);
        var x = random.NextDouble() * total;
        foreach (var (item, weight) in items)
        {
            x -= weight;
            if (x < 0)
            {
                return item;
            }
        }
        return items[^1].Item;
    }
}

using System.Net;
using System.Text.RegularExpressions;
using InsureCrm.Core.Campaigns;
using InsureCrm.Core.Common;
using InsureCrm.Core.Policies;
using InsureCrm.Core.Security;
using InsureCrm.Core.Synthetic;
using InsureCrm.Tests;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;

namespace InsureCrm.Web.Tests;

/// <summary>
/// A pilot run from its record page: split, start, send now (e-mails arrive at the test SMTP server the test script
/// starts) and attribute, each button confirming what it did with its figures.
/// </summary>
public sealed class CampaignRunPageTests
{
    // 10:00 in Seoul: inside the contact policy's daytime, so e-mails go out at once.
    private static readonly DateTimeOffset Now = new(2026, 11, 2, 1, 0, 0, TimeSpan.Zero);
    private static readonly DateOnly Today = new(2026, 11, 2);

    [Fact]
    public async Task RecordPage_SplitStartSendAttribute_ConfirmsEachStepAndTheMailArrives()
    {
        var smtp = Environment.GetEnvironmentVariable("INSURECRM_TEST_SMTP");
        var maildir = Environment.GetEnvironmentVariable("INSURECRM_TEST_MAILDIR");
        if (smtp is null || maildir is null)
        {
            throw new InvalidOperationException("INSURECRM_TEST_SMTP and INSURECRM_TEST_MAILDIR must name the test SMTP server and its Maildir (test.sh starts aiosmtpd).");
        }
        var from = $"pilot-{Guid.NewGuid():N}@insurecrm.example";
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var factory = new CrmWebFactory(db, new Dictionary<string, string?>
        {
            ["Campaigns:Email:Transport"] = "Smtp",
            ["Campaigns:Email:From"] = from,
            ["Campaigns:Email:Smtp:Host"] = smtp.Split(':')[0],
            ["Campaigns:Email:Smtp:Port"] = smtp.Split(':')[1],
            ["Campaigns:Email:Smtp:Security"] = "None",
        }, b => b.ConfigureTestServices(s => s.AddSingleton<TimeProvider>(new FixedTime(Now))));
        using var marketer = await factory.SignedInClientAsync("marketer");
        using var admin = await factory.SignedInClientAsync("admin");
        await factory.Services.GetRequiredService<SyntheticInsurer>()
            .GenerateAsync(new GenerationOptions(300, 5, null, Today, ChunkSize: 300), null, CancellationToken.None);
        var id = await CreateAsync(factory);

        // Four eyes: the admin approves; the marketer then sees "split" (not yet "start": there is no list).
        (await PostAsync(admin, id, "approve")).ShouldBe($"/campaigns/{id}?done=approve");
        var approved = await marketer.GetStringAsync($"/campaigns/{id}");
        approved.ShouldContain("data-testid=\"campaign-action-split\"");
        approved.ShouldNotContain("data-testid=\"campaign-action-start\"");

        var split = await PostAsync(marketer, id, "split");
        var (test, control) = (Figure(split, "a"), Figure(split, "b"));
        test.ShouldBeGreaterThan(0);
        control.ShouldBeGreaterThan(0);
        (await marketer.GetStringAsync(split)).ShouldContain($"배정 완료: 실험군 {test:N0}명, 대조군 {control:N0}명.");

        (await PostAsync(marketer, id, "start")).ShouldStartWith($"/campaigns/{id}?done=start");
        var send = await PostAsync(marketer, id, "send");
        var sent = Figure(send, "a");
        sent.ShouldBeGreaterThan(0);
        (await marketer.GetStringAsync(send)).ShouldContain($"발송·배부 {sent:N0}건");
        Received(maildir, from).Count.ShouldBe(sent, "every e-mail the page counts as sent arrived at the SMTP server");

        // A second click sends nothing twice.
        Figure(await PostAsync(marketer, id, "send"), "a").ShouldBe(0);
        Received(maildir, from).Count.ShouldBe(sent);

        // A script revised while running: a bad placeholder comes back with the typed text kept; a good one is a new version in the history.
        var running = await marketer.GetStringAsync($"/campaigns/{id}");
        running.ShouldContain("data-testid=\"script-revise-Email-ko\"");
        using (var bad = await marketer.PostAsync($"/campaigns/{id}/scripts", new FormUrlEncodedContent(
            [new("channel", "Email"), new("language", "ko"), new("subject", "(광고) 새 제목"), new("body", "{{name}}님 {{coupon}} 수신거부: {{unsubscribe_url}}"), new("reason", "쿠폰 추가")])))
        {
            bad.StatusCode.ShouldBe(HttpStatusCode.Redirect);
            var back = WebUtility.HtmlDecode(await marketer.GetStringAsync(bad.Headers.Location!.OriginalString));
            back.ShouldContain("알 수 없는 치환 문구 '{{coupon}}'", Case.Sensitive, "Core's refusal, said in the page's language");
            back.ShouldContain("{{name}}님 {{coupon}} 수신거부: {{unsubscribe_url}}</textarea>");
            back.ShouldContain("value=\"쿠폰 추가\"");
        }
        using (var good = await marketer.PostAsync($"/campaigns/{id}/scripts", new FormUrlEncodedContent(
            [new("channel", "Email"), new("language", "ko"), new("subject", "(광고) 새 제목"), new("body", "{{name}}님, 새 안내입니다. 수신거부: {{unsubscribe_url}}"), new("reason", "문구 개선")])))
        {
            good.Headers.Location!.OriginalString.ShouldBe($"/campaigns/{id}?done=revise");
        }
        var revised = await marketer.GetStringAsync($"/campaigns/{id}");
        revised.ShouldContain("v2");
        revised.ShouldContain("새 안내입니다");

        var attribute = await PostAsync(marketer, id, "attribute");
        attribute.ShouldStartWith($"/campaigns/{id}?done=attribute");
        (await marketer.GetStringAsync(attribute)).ShouldContain("data-testid=\"campaign-done\"");
        (await marketer.GetStringAsync($"/campaigns/{id}/results")).ShouldContain("data-testid");

        // An analyst follows but never sends.
        using var analyst = await factory.SignedInClientAsync("analyst");
        using var refused = await analyst.PostAsync($"/campaigns/{id}/actions/send", new FormUrlEncodedContent([new("version", "3")]));
        refused.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
    }

    /// <summary>A pilot of every customer reachable by e-mail, written by the demo marketer through Core, started yesterday.</summary>
    private static async Task<long> CreateAsync(CrmWebFactory factory)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        CrmUser author;
        await using (var ctx = factory.Database.CreateContext())
        {
            var user = await ctx.Users.AsNoTracking().SingleAsync(u => u.UserName == "marketer");
            author = new CrmUser(user.Id, user.UserName, user.Role, null, null, null, "test");
        }
        var draft = new CampaignDraft(
            "이메일 파일럿", "health-gap", "이메일 안내를 받은 고객은 건강보험에 가입한다", CampaignObjective.NewContract, [ProductFamily.Health], 60,
            Today.AddDays(-1), Today.AddDays(29), 1_000_000m, "KRW",
            """{"all":[{"field":"reach.email","op":"is","values":["true"]}]}""",
            0.3m, 0.05, 0.8, 0.02, 0.02, OverlapRule.Exclude, 1, 4, true,
            [new ChannelDraft(CampaignChannelKind.Email, 1, null, 10m)],
            [new ScriptDraft(CampaignChannelKind.Email, ScriptLanguage.Korean, "(광고) {{name}}님 건강보험 안내", "{{name}}님, 안녕하세요. 수신거부: {{unsubscribe_url}}")],
            SplitSeed: 9);
        var created = await scope.ServiceProvider.GetRequiredService<ICampaignPlanning>().CreateAsync(author, draft);
        created.Outcome.ShouldBe(CampaignOutcome.Ok, string.Join("; ", created.Errors.SelectMany(e => e.Value)));
        return created.Value!.Id;
    }

    /// <summary>Presses a record page's action button (with the version the page shows) and returns where it redirects.</summary>
    private static async Task<string> PostAsync(HttpClient client, long id, string action)
    {
        var page = await client.GetStringAsync($"/campaigns/{id}");
        var form = Regex.Match(page, $"data-testid=\"campaign-action-{action}\"[\\s\\S]*?name=\"version\" value=\"(\\d+)\"");
        form.Success.ShouldBeTrue($"the record page offers '{action}'");
        using var response = await client.PostAsync($"/campaigns/{id}/actions/{action}", new FormUrlEncodedContent([new("version", form.Groups[1].Value)]));
        response.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        var location = response.Headers.Location!.OriginalString;
        location.ShouldNotContain("error=", Case.Sensitive, Uri.UnescapeDataString(location));
        return location;
    }

    private static int Figure(string location, string name) =>
        int.Parse(Regex.Match(location, $"[?&]{name}=(\\d+)").Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);

    private static readonly string[] MaildirFolders = ["new", "cur"];

    private static List<MimeMessage> Received(string maildir, string from) =>
        [.. MaildirFolders.Select(d => Path.Combine(maildir, d)).Where(Directory.Exists)
            .SelectMany(Directory.EnumerateFiles)
            .Select(f => MimeMessage.Load(f))
            .Where(m => m.From.Mailboxes.Any(a => a.Address == from))];

    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}

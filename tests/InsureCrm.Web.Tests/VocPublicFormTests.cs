using System.Net;
using System.Text.RegularExpressions;
using InsureCrm.Core.Common;
using InsureCrm.Core.Voc;
using InsureCrm.Tests;
using Microsoft.EntityFrameworkCore;

namespace InsureCrm.Web.Tests;

/// <summary>
/// The public VOC form <c>/voice</c> (issue 16): anyone may send it without an account; a case opens and the thanks names its
/// number and when to expect an answer; a mistake or a refusal of the anti-abuse guard is told in the reader's language and keeps
/// the text; a bot's honeypot stores nothing; script in the text is stored as typed and shown as text. Fictional people.
/// </summary>
public sealed partial class VocPublicFormTests
{
    private static readonly Dictionary<string, string?> NoTimeTrap = new() { ["Voc:PublicForm:MinimumFillTime"] = "00:00:00" };

    private static FormUrlEncodedContent Voice(string html, Dictionary<string, string> fields, string? honeypot = null)
    {
        var form = new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = CrmWebFactory.Token(html), ["_handler"] = "voice", ["Input.Token"] = FormToken().Match(html).Groups[1].Value,
        };
        foreach (var (k, v) in fields)
        {
            form["Input." + k] = v;
        }
        if (honeypot is not null)
        {
            form["website"] = honeypot;
        }
        return new FormUrlEncodedContent(form);
    }

    [GeneratedRegex("name=\"Input.Token\" value=\"([^\"]+)\"")]
    private static partial Regex FormToken();

    [Fact]
    public async Task Post_Complaint_OpensACase_ThanksWithNumberAndDueTime_AndScriptStaysText()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var factory = new CrmWebFactory(db, NoTimeTrap);
        using var visitor = factory.NewClient();
        (await visitor.GetStringAsync("/login")).ShouldContain("href=\"/voice\"");

        var page = await visitor.GetStringAsync("/voice");
        page.ShouldContain("개인정보 수집·이용 동의");
        page.ShouldContain("name=\"website\"");
        var text = "보험금 청구가 3주째 처리되지 않습니다. <script>alert('x')</script>";
        using var sent = await visitor.PostAsync("/voice", Voice(page, new()
        {
            ["Type"] = "Complaint", ["Text"] = text, ["Name"] = "홍길순", ["Phone"] = "010-2222-3333", ["Consent"] = "true",
        }));

        sent.StatusCode.ShouldBe(HttpStatusCode.OK);
        var thanks = await sent.Content.ReadAsStringAsync();
        thanks.ShouldContain("data-testid=\"voice-number\"");
        thanks.ShouldContain("답변 예정");
        VocCase c;
        await using (var ctx = factory.Database.CreateContext())
        {
            c = await ctx.VocCases.AsNoTracking().SingleAsync();
        }
        thanks.ShouldContain(c.Number);
        (c.Channel, c.Type, c.CustomerId).ShouldBe((VocChannel.WebForm, VocType.Complaint, (long?)null));
        c.Text.ShouldBe(text);
        c.ContactPhoneHash.ShouldNotBeNull();

        using var admin = await factory.SignedInClientAsync("admin");
        var casePage = await admin.GetStringAsync($"/voc/{c.Id}");
        casePage.ShouldContain("&lt;script&gt;alert(");
        casePage.ShouldNotContain("<script>alert(");
    }

    [Fact]
    public async Task Post_MistakesAndGuardRefusals_AreToldInTheReadersLanguage_KeepTheText_AndStoreNothing()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var factory = new CrmWebFactory(db, NoTimeTrap);
        using var visitor = factory.NewClient();
        var page = await visitor.GetStringAsync("/voice");
        var text = "자동이체 날짜를 바꾸고 싶습니다 <b>급함</b>";

        using var noConsent = await visitor.PostAsync("/voice", Voice(page, new() { ["Type"] = "Inquiry", ["Text"] = text, ["Email"] = "not-an-address" }));
        noConsent.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var noConsentHtml = await noConsent.Content.ReadAsStringAsync();
        noConsentHtml.ShouldContain("개인정보 수집·이용에 동의해 주셔야 접수할 수 있습니다");
        noConsentHtml.ShouldContain("이메일 주소를 확인해 주세요");
        noConsentHtml.ShouldContain("&lt;b&gt;급함&lt;/b&gt;</textarea>");

        // A bot fills the hidden field: the usual thanks, nothing stored.
        using var bot = await visitor.PostAsync("/voice", Voice(page, new() { ["Type"] = "Inquiry", ["Text"] = "광고 " + text, ["Consent"] = "true" }, honeypot: "http://spam.example"));
        bot.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await bot.Content.ReadAsStringAsync()).ShouldContain("접수되었습니다");

        // No form token (a script posting directly), in English.
        using var english = factory.NewClient();
        var englishPage = await english.GetStringAsync("/voice?culture=en-US&ui-culture=en-US");
        englishPage.ShouldContain("Consent to the collection and use of personal data");
        using var noToken = Voice(englishPage, new() { ["Type"] = "Suggestion", ["Text"] = text, ["Consent"] = "true" });
        var fields = (await noToken.ReadAsStringAsync()).Split('&').Where(f => !f.StartsWith("Input.Token=", StringComparison.Ordinal)).ToList();
        using var stripped = new StringContent(string.Join('&', fields), System.Text.Encoding.UTF8, "application/x-www-form-urlencoded");
        using var refused = await english.PostAsync("/voice?culture=en-US&ui-culture=en-US", stripped);
        refused.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var refusedHtml = await refused.Content.ReadAsStringAsync();
        refusedHtml.ShouldContain("This form has expired or was already sent");
        refusedHtml.ShouldContain("&lt;b&gt;급함&lt;/b&gt;</textarea>");

        await using var ctx = factory.Database.CreateContext();
        (await ctx.VocCases.CountAsync()).ShouldBe(0);
    }

    [Fact]
    public async Task Post_SameFormTwice_TheSecondIsRefusedAsAlreadySent()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var factory = new CrmWebFactory(db, NoTimeTrap);
        using var visitor = factory.NewClient();
        var page = await visitor.GetStringAsync("/voice");
        var fields = new Dictionary<string, string> { ["Type"] = "Compliment", ["Text"] = "지점 직원분이 친절했습니다.", ["Consent"] = "true" };

        using var first = await visitor.PostAsync("/voice", Voice(page, fields));
        using var second = await visitor.PostAsync("/voice", Voice(page, fields));

        first.StatusCode.ShouldBe(HttpStatusCode.OK);
        second.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var html = await second.Content.ReadAsStringAsync();
        html.ShouldContain("이미 제출되었습니다");
        html.ShouldContain("지점 직원분이 친절했습니다.</textarea>");
        await using var ctx = factory.Database.CreateContext();
        (await ctx.VocCases.CountAsync()).ShouldBe(1);
    }
}

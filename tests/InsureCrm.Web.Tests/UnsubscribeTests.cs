using System.Net;
using InsureCrm.Core.Campaigns;
using InsureCrm.Core.Common;
using InsureCrm.Core.Security;
using InsureCrm.Tests;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace InsureCrm.Web.Tests;

public sealed class UnsubscribeTests
{
    private const string Good = "t0k3n-good";

    [Fact]
    public async Task Unsubscribe_AnonymousLink_GetShowsTheButtonOnlyAndPostWithoutSessionRecordsAtOnce()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        var unsubscribe = new RecordingUnsubscribe();
        await using var factory = new CrmWebFactory(db, configure: b => b.ConfigureTestServices(s => s.AddSingleton<IUnsubscribe>(unsubscribe)));
        using var anonymous = factory.NewClient();

        // Opening the link (mail scanners do) changes nothing and names no one.
        var page = await anonymous.GetStringAsync("/u/" + Good);
        page.ShouldContain("data-testid=\"unsubscribe-confirm\"");
        page.ShouldContain("연금 안내");
        unsubscribe.Confirmed.ShouldBeEmpty();

        // The button (or a mail client's one-click post) needs no session and no antiforgery token: the token is the proof.
        using (var post = await anonymous.PostAsync("/u/" + Good, new FormUrlEncodedContent([new("List-Unsubscribe", "One-Click")])))
        {
            post.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        }
        unsubscribe.Confirmed.ShouldBe([Good]);
        (await anonymous.GetStringAsync("/u/" + Good)).ShouldContain("data-testid=\"unsubscribe-done\"");

        // A forged token records nothing, on either verb.
        using (var bad = await anonymous.PostAsync("/u/forged", new FormUrlEncodedContent([])))
        {
            bad.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        }
        var badPage = await anonymous.GetStringAsync("/u/forged");
        badPage.ShouldContain("data-testid=\"unsubscribe-bad\"");
        badPage.ShouldNotContain("data-testid=\"unsubscribe-confirm\"");
        unsubscribe.Confirmed.ShouldBe([Good]);

        // The exemption is this address's alone: a signed-in user's other posts without a token are still refused.
        using var marketer = factory.NewClient();
        (await CrmWebFactory.LoginAsync(marketer, "marketer", DemoUsers.Password)).Dispose();
        using var other = await marketer.PostAsync("/api/campaigns/rules/count", new FormUrlEncodedContent([new("field", "age")]));
        other.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
    }

    private sealed class RecordingUnsubscribe : IUnsubscribe
    {
        public List<string> Confirmed { get; } = [];

        public Task<UnsubscribePreview?> PreviewAsync(string token, CancellationToken ct = default) =>
            Task.FromResult(token == Good ? new UnsubscribePreview("연금 안내", CampaignChannelKind.Email, Confirmed.Contains(token)) : null);

        public Task<bool> ConfirmAsync(string token, CancellationToken ct = default)
        {
            if (token != Good)
            {
                return Task.FromResult(false);
            }
            Confirmed.Add(token);
            return Task.FromResult(true);
        }
    }
}

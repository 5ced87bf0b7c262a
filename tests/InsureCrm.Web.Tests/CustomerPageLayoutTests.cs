using InsureCrm.Core.Common;
using InsureCrm.Core.Models;
using InsureCrm.Core.Policies;
using InsureCrm.Core.Value;
using InsureCrm.Tests;
using Microsoft.Extensions.DependencyInjection;

namespace InsureCrm.Web.Tests;

public sealed class CustomerPageLayoutTests
{
    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task CustomerPage_Scored_StartsWithASummaryAndKeepsConsentEditingCollapsedBelowValueAndScores(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await using var factory = new CrmWebFactory(db);
        var family = await CustomerApiTests.SeedAsync(factory);
        var asOf = new DateOnly(2026, 3, 2);
        var run = await factory.Services.GetRequiredService<ValueRunner>().RunAsync(asOf);
        await factory.Services.GetRequiredService<LifecycleRunner>().RunAsync(asOf, CancellationToken.None, run.RunId);
        await factory.Services.GetRequiredService<SegmentRunner>().RunAsync(run.RunId, asOf, CancellationToken.None);
        await using (var ctx = factory.Services.GetRequiredService<CrmDatabase>().CreateContext())
        {
            var lapse = new ModelVersion { Name = "lapse", Version = 2, Algorithm = "logistic", Artifact = "{}", TrainedBy = "ana", Status = ModelStatus.Champion, TrainedAt = DateTime.UtcNow, PositiveRate = 0.04 };
            var purchase = new ModelVersion { Name = "purchase", Version = 1, Algorithm = "logistic", Artifact = "{}", TrainedBy = "ana", Status = ModelStatus.Champion, TrainedAt = DateTime.UtcNow, PositiveRate = 0.025 };
            var contract = new ModelVersion { Name = "lapse-contract", Version = 1, Algorithm = "logistic", Artifact = "{}", TrainedBy = "ana", Status = ModelStatus.Champion, TrainedAt = DateTime.UtcNow };
            ctx.AddRange(lapse, purchase, contract);
            await ctx.SaveChangesAsync();
            var runs = new[] { lapse, purchase, contract }.Select(v => new ModelScoreRun { ModelVersionId = v.Id, RunDate = asOf, Status = ModelScoreRunStatus.Completed, StartedAt = DateTime.UtcNow }).ToList();
            ctx.AddRange(runs);
            await ctx.SaveChangesAsync();
            ctx.AddRange(
                new CustomerModelScore { RunId = runs[0].Id, CustomerId = family.HongId, Eligible = true, Score = 0.234,
                    Reasons = """[{"feature":"premiumBurden","value":"0.42","effect":0.61}]""" },
                new CustomerModelScore { RunId = runs[1].Id, CustomerId = family.HongId, Eligible = true, Score = 0.012, Reasons = "[]" },
                new ContractModelScore { RunId = runs[2].Id, ContractId = ctx.Contracts.Single(k => k.ContractNumber == family.HeldContract).Id,
                    CustomerId = family.HongId, Eligible = true, Score = 0.3, Reasons = "[]" });
            await ctx.SaveChangesAsync();
        }
        using var client = await factory.SignedInClientAsync();

        var page = await client.GetStringAsync($"/customers/{family.HongId}");

        var summary = page.IndexOf("data-testid=\"customer-summary\"", StringComparison.Ordinal);
        summary.ShouldBeGreaterThan(0, "the page has a summary");
        var inSummary = page[summary..page.IndexOf("</section>", summary, StringComparison.Ordinal)];
        inSummary.ShouldContain("data-testid=\"summary-grade\"");
        inSummary.ShouldContain("data-testid=\"summary-total\"");
        inSummary.ShouldContain("data-testid=\"summary-strategy\"");
        inSummary.ShouldContain("23.4%", Case.Sensitive, "the highest score");
        inSummary.ShouldContain("소득 대비 보험료 부담 0.42 (높임)", Case.Sensitive, "with its reason");
        inSummary.ShouldNotContain("1.2%", Case.Sensitive, "a low score is not a highlight");
        inSummary.ShouldContain(family.HeldContract, Case.Sensitive, "the contract at high risk of lapsing is an open item");
        inSummary.ShouldContain("href=\"#consents\"");

        var contracts = page.IndexOf("id=\"contracts\"", StringComparison.Ordinal);
        var value = page.IndexOf("id=\"value\"", StringComparison.Ordinal);
        var scores = page.IndexOf("id=\"scores\"", StringComparison.Ordinal);
        var consents = page.IndexOf("id=\"consents\"", StringComparison.Ordinal);
        summary.ShouldBeLessThan(contracts);
        value.ShouldBeLessThan(consents, "value is no longer behind the consent form");
        scores.ShouldBeLessThan(consents, "nor are the scores");

        // Consent editing is behind a closed <details>: the forms that record a grant or opt-out are inside it.
        var edit = page.IndexOf("data-testid=\"consent-edit\"", StringComparison.Ordinal);
        edit.ShouldBeGreaterThan(consents);
        var editTag = page[page.LastIndexOf("<details", edit, StringComparison.Ordinal)..page.IndexOf('>', edit)];
        editTag.ShouldNotContain(" open");
        var firstForm = page.IndexOf($"action=\"/customers/{family.HongId}/consents\"", StringComparison.Ordinal);
        firstForm.ShouldBeGreaterThan(edit);
        firstForm.ShouldBeLessThan(page.IndexOf("</details>", edit, StringComparison.Ordinal));
        // The statements in force stay readable without opening it.
        page.IndexOf("data-channel=\"Sms\" data-state=\"Withdrawn\"", StringComparison.Ordinal).ShouldBeLessThan(edit);
        page.ShouldNotContain("준비 중", Case.Sensitive, "no section promises a later screen");
        StrictMarkup.ShouldHaveNoInlineScriptOrStyle(page);
    }

    [Fact]
    public async Task CustomerPage_NoValueRun_SummarySaysSoAndShowsNoPlaceholders()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var factory = new CrmWebFactory(db);
        var family = await CustomerApiTests.SeedAsync(factory);
        using var client = await factory.SignedInClientAsync();

        var page = await client.GetStringAsync($"/customers/{family.HongId}");

        page.ShouldContain("data-testid=\"customer-summary\"");
        page.ShouldContain("data-testid=\"summary-no-value\"");
        page.ShouldNotContain("준비 중");
        page.ShouldNotContain("아직 제공되지 않습니다");
    }

    [Fact]
    public async Task UsersPage_NoAccessRightChanges_SaysSo()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var factory = new CrmWebFactory(db);
        using var admin = await factory.SignedInClientAsync("admin");

        var page = await admin.GetStringAsync("/admin/users");

        page.ShouldContain("data-testid=\"access-rights-empty\"");
        page.ShouldContain("아직 기록된 권한 변경이 없습니다");
    }
}

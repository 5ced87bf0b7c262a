using InsureCrm.Core.Common;
using InsureCrm.Core.Models;
using InsureCrm.Core.Policies;
using InsureCrm.Tests;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace InsureCrm.Web.Tests;

public sealed class CustomerScoresViewTests
{
    [Fact]
    public async Task CustomerPage_ChampionScored_ShowsScoreAndTranslatedReasons()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var factory = new CrmWebFactory(db);
        var family = await CustomerApiTests.SeedAsync(factory);
        using var client = await factory.SignedInClientAsync();
        (await client.GetStringAsync($"/customers/{family.HongId}")).ShouldNotContain("data-testid=\"score-lapse\"");

        await using (var ctx = factory.Services.GetRequiredService<CrmDatabase>().CreateContext())
        {
            var champion = new ModelVersion { Name = "lapse", Version = 4, Algorithm = "logistic", Artifact = "{}", TrainedBy = "ana", Status = ModelStatus.Champion, TrainedAt = DateTime.UtcNow };
            var retired = new ModelVersion { Name = "lapse", Version = 3, Algorithm = "logistic", Artifact = "{}", TrainedBy = "ana", Status = ModelStatus.Retired, TrainedAt = DateTime.UtcNow };
            ctx.AddRange(champion, retired);
            await ctx.SaveChangesAsync();
            var run = new ModelScoreRun { ModelVersionId = champion.Id, RunDate = new DateOnly(2026, 3, 2), Status = ModelScoreRunStatus.Completed, StartedAt = DateTime.UtcNow };
            var old = new ModelScoreRun { ModelVersionId = retired.Id, RunDate = new DateOnly(2026, 3, 9), Status = ModelScoreRunStatus.Completed, StartedAt = DateTime.UtcNow };
            ctx.AddRange(run, old);
            await ctx.SaveChangesAsync();
            ctx.Add(new CustomerModelScore { RunId = run.Id, CustomerId = family.HongId, Eligible = true, Score = 0.234,
                Reasons = """[{"feature":"premiumBurden","value":"0.42","effect":0.61},{"feature":"orphanedContracts","value":"1","effect":0.4}]""" });
            ctx.Add(new CustomerModelScore { RunId = old.Id, CustomerId = family.HongId, Eligible = true, Score = 0.9, Reasons = "[]" });
            await ctx.SaveChangesAsync();
        }

        var page = await client.GetStringAsync($"/customers/{family.HongId}");
        page.ShouldContain("모델 점수");
        page.ShouldContain("3개월 내 실효");
        page.ShouldContain("data-testid=\"score-value-lapse\">23.4%<");
        page.ShouldContain("소득 대비 보험료 부담 0.42 (높임)");
        page.ShouldContain("담당 설계사 이탈 계약 1 (높임)");
        page.ShouldNotContain(">90.0%<", Case.Sensitive, "a retired version's score is not shown");
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task CustomerPage_ContractLapseScored_ShowsItsScoreAndTranslatedReasons_AndNothingForAnUnscoredContract(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await using var factory = new CrmWebFactory(db);
        var family = await CustomerApiTests.SeedAsync(factory);
        using var client = await factory.SignedInClientAsync();
        var url = $"/customers/{family.HongId}";
        (await client.GetStringAsync(url)).ShouldNotContain("data-testid=\"contract-score-");

        await using (var ctx = factory.Services.GetRequiredService<CrmDatabase>().CreateContext())
        {
            var held = ctx.Contracts.Single(k => k.ContractNumber == family.HeldContract).Id;
            var spouse = ctx.Contracts.Single(k => k.ContractNumber == family.SpouseContract).Id;
            var champion = new ModelVersion { Name = "lapse-contract", Version = 2, Algorithm = "logistic", Artifact = "{}", TrainedBy = "ana", Status = ModelStatus.Champion, TrainedAt = DateTime.UtcNow };
            var retired = new ModelVersion { Name = "lapse-contract", Version = 1, Algorithm = "logistic", Artifact = "{}", TrainedBy = "ana", Status = ModelStatus.Retired, TrainedAt = DateTime.UtcNow };
            ctx.AddRange(champion, retired);
            await ctx.SaveChangesAsync();
            var run = new ModelScoreRun { ModelVersionId = champion.Id, RunDate = new DateOnly(2026, 3, 2), Status = ModelScoreRunStatus.Completed, StartedAt = DateTime.UtcNow };
            var old = new ModelScoreRun { ModelVersionId = retired.Id, RunDate = new DateOnly(2026, 3, 9), Status = ModelScoreRunStatus.Completed, StartedAt = DateTime.UtcNow };
            ctx.AddRange(run, old);
            await ctx.SaveChangesAsync();
            ctx.Add(new ContractModelScore { RunId = run.Id, ContractId = held, CustomerId = family.HongId, Eligible = true, Score = 0.234,
                Reasons = """[{"feature":"productFamily","value":"WholeLife","effect":0.61},{"feature":"paymentMode","value":"Monthly","effect":0.4},{"feature":"contractPremiumBurden","value":"0.31","effect":-0.2}]""" });
            // The spouse's contract has a score only in the retired version's run: not the champion's, so not shown.
            ctx.Add(new ContractModelScore { RunId = old.Id, ContractId = spouse, CustomerId = family.SpouseId, Eligible = true, Score = 0.9, Reasons = "[]" });
            await ctx.SaveChangesAsync();
        }

        var korean = await client.GetStringAsync(url);
        using var toEnglish = await client.GetAsync("/culture?culture=en-US&returnUrl=" + Uri.EscapeDataString(url));
        var english = await client.GetStringAsync(url);

        korean.ShouldContain("실효 위험");
        korean.ShouldContain($"data-testid=\"contract-score-{family.HeldContract}\"");
        korean.ShouldContain("<span class=\"badge warn\">23.4%</span>");
        korean.ShouldContain("상품군 종신보험 (높임)");
        korean.ShouldContain("납입 주기 월납 (높임)");
        korean.ShouldContain("소득 대비 이 계약 보험료 0.31 (낮춤)");
        korean.ShouldContain("3개월 내 계약 실효 v2");
        korean.ShouldNotContain($"data-testid=\"contract-score-{family.SpouseContract}\"");
        korean.ShouldNotContain("90.0%");
        english.ShouldContain("Product family Whole life (raises)");
        english.ShouldContain("Payment mode Monthly (raises)");
        english.ShouldNotContain("productFamily");

        // A contract that lapsed after the run date is no longer at risk of lapsing: its old score goes.
        await using (var ctx = factory.Services.GetRequiredService<CrmDatabase>().CreateContext())
        {
            await ctx.Contracts.Where(k => k.ContractNumber == family.HeldContract)
                .ExecuteUpdateAsync(u => u.SetProperty(k => k.Status, Core.Policies.ContractStatus.Lapsed));
        }
        (await client.GetStringAsync(url)).ShouldNotContain($"data-testid=\"contract-score-{family.HeldContract}\"");
    }
}

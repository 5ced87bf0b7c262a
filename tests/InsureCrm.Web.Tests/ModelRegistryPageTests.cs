using System.Net;
using System.Text.RegularExpressions;
using InsureCrm.Core.Common;
using InsureCrm.Core.Models;
using InsureCrm.Tests;
using Microsoft.Extensions.DependencyInjection;

namespace InsureCrm.Web.Tests;

/// <summary>The registry page: versions from <see cref="ModelRegistry"/>, the champion marked, approval with four eyes.</summary>
public sealed partial class ModelRegistryPageTests
{
    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task RegistryPage_ForAnalyst_ListsEveryVersionWithTheChampionMarkedAndItsLatestRun(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await using var factory = new CrmWebFactory(db);
        using var analyst = await factory.SignedInClientAsync("analyst");
        (await analyst.GetStringAsync("/models")).ShouldContain("data-testid=\"registry-empty\"");
        await SeedAsync(factory);

        var page = await analyst.GetStringAsync("/models");
        Versions(page).ShouldBe([("3", "Challenger"), ("2", "Challenger"), ("1", "Champion")]);
        Row(page, 1).ShouldContain("data-testid=\"registry-champion\"");
        Row(page, 1).ShouldContain("0.812");
        Row(page, 1).ShouldContain("admin");
        Row(page, 1).ShouldContain("<td>로지스틱 회귀</td>", Case.Sensitive, "the algorithm in the reader's language");
        // Model codes stay beside their names ("(lapse)"), and AUC is the measure's name; nothing else in English.
        string[] codes = [.. InsurerModels.All.SelectMany(m => m.Name.Split('-')), "AUC", "analyst", "admin"];
        VisibleText.EnglishWords(page, codes).ShouldBeEmpty();
        Row(page, 2).ShouldNotContain("data-testid=\"registry-champion\"");
        page.ShouldContain("챔피언 v1의 최근 점수 실행: 2026-03-09");
        page.ShouldContain("3개월 내 실효 (lapse)");
        page.ShouldNotContain("data-testid=\"registry-approve\"", customMessage: "an analyst does not approve");
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Approve_ByAdminWhoDidNotTrain_MakesTheChallengerChampionAndRetiresTheOld(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await using var factory = new CrmWebFactory(db);
        await SeedAsync(factory);
        using var admin = await factory.SignedInClientAsync("admin");

        var page = await admin.GetStringAsync("/models");
        page.ShouldContain("action=\"/models/lapse/3/approve\"");
        page.ShouldNotContain("action=\"/models/lapse/1/approve\"", customMessage: "the champion has no approve button");
        using var response = await admin.PostAsync("/models/lapse/3/approve", Form(page));
        response.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        var after = await admin.GetStringAsync(response.Headers.Location!.OriginalString);
        after.ShouldContain("lapse v3이(가) 챔피언이 되었습니다.");
        Versions(after).ShouldBe([("3", "Champion"), ("2", "Challenger"), ("1", "Retired")]);

        var registry = factory.Services.GetRequiredService<ModelRegistry>();
        (await registry.FindAsync("lapse", 3, default))!.ApprovedBy.ShouldBe("admin");
        (await registry.FindAsync("lapse", 1, default))!.Status.ShouldBe(ModelStatus.Retired);
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Approve_ByTheTrainer_IsRefusedWithTheFourEyesMessage(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await using var factory = new CrmWebFactory(db);
        await SeedAsync(factory);
        using var admin = await factory.SignedInClientAsync("admin");

        var page = await admin.GetStringAsync("/models");
        using var response = await admin.PostAsync("/models/lapse/2/approve", Form(page));
        response.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        var after = await admin.GetStringAsync(response.Headers.Location!.OriginalString);
        after.ShouldContain("data-testid=\"registry-refused\"");
        after.ShouldContain("lapse v2은(는) 본인이 학습한 버전이라 승인할 수 없습니다");
        Versions(after).ShouldBe([("3", "Challenger"), ("2", "Challenger"), ("1", "Champion")]);
    }

    [Fact]
    public async Task Approve_ByAnalyst_Is403AndChangesNothing()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var factory = new CrmWebFactory(db);
        await SeedAsync(factory);
        using var analyst = await factory.SignedInClientAsync("analyst");

        var page = await analyst.GetStringAsync("/models");
        using var response = await analyst.PostAsync("/models/lapse/2/approve", Form(page));
        response.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await factory.Services.GetRequiredService<ModelRegistry>().FindAsync("lapse", 2, default))!.Status.ShouldBe(ModelStatus.Challenger);
    }

    /// <summary>lapse v1 champion (trained by analyst, approved by admin) with two runs; v2 challenger trained by admin; v3 challenger trained by analyst.</summary>
    private static async Task SeedAsync(CrmWebFactory factory)
    {
        var registry = factory.Services.GetRequiredService<ModelRegistry>();
        var trainedAt = new DateTime(2026, 3, 1, 0, 0, 0, DateTimeKind.Utc);
        ModelVersion Version(string trainedBy, double auc) => new()
        {
            Name = "lapse", Algorithm = "logistic", Cutoff = new DateOnly(2025, 12, 31), WindowMonths = 3, TrainRows = 7500, TestRows = 2500,
            Auc = auc, LogLoss = 0.31, TopDecileLift = 2.4, Artifact = "{}", TrainedBy = trainedBy, TrainedAt = trainedAt, Status = ModelStatus.Challenger,
        };
        await registry.AddAsync(Version("analyst", 0.812), default);
        await registry.AddAsync(Version("admin", 0.805), default);
        await registry.AddAsync(Version("analyst", 0.83), default);
        await using var ctx = factory.Services.GetRequiredService<CrmDatabase>().CreateContext();
        var v1 = ctx.Set<ModelVersion>().Single(m => m.Version == 1);
        v1.Status = ModelStatus.Champion;
        v1.ApprovedBy = "admin";
        v1.ApprovedAt = trainedAt.AddDays(1);
        await ctx.SaveChangesAsync();
        ctx.AddRange(
            new ModelScoreRun { ModelVersionId = v1.Id, RunDate = new DateOnly(2026, 3, 2), Status = ModelScoreRunStatus.Completed, StartedAt = trainedAt, Scored = 10 },
            new ModelScoreRun { ModelVersionId = v1.Id, RunDate = new DateOnly(2026, 3, 9), Status = ModelScoreRunStatus.Completed, StartedAt = trainedAt, Scored = 12 });
        await ctx.SaveChangesAsync();
    }

    private static FormUrlEncodedContent Form(string page) =>
        new(new Dictionary<string, string> { ["__RequestVerificationToken"] = CrmWebFactory.Token(page) });

    private static List<(string Version, string Status)> Versions(string page) =>
        [.. VersionRow().Matches(page).Select(m => (m.Groups[1].Value, m.Groups[2].Value))];

    private static string Row(string page, int version)
    {
        var row = Regex.Match(page, $"<tr[^>]*data-version=\"{version}\".*?</tr>", RegexOptions.Singleline).Value;
        row.ShouldNotBeEmpty();
        return row;
    }

    [GeneratedRegex("data-version=\"(\\d+)\" data-status=\"(\\w+)\"")]
    private static partial Regex VersionRow();
}

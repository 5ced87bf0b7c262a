using System.Globalization;
using System.Text.RegularExpressions;
using InsureCrm.Core.Common;
using InsureCrm.Core.Customers;
using InsureCrm.Core.Models;
using InsureCrm.Core.Security;
using InsureCrm.Tests.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;

namespace InsureCrm.Tests.Models;

/// <summary>The insurer-model verbs run in-process as a user would, on a generated insurer; they read the console, so they run alone.</summary>
[Collection(nameof(ConsoleSwappingTests))]
public sealed partial class InsurerModelCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("insurecrm-imodel-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static Task<(int Exit, string Output, string Error)> RunAsync(IConfiguration config, params string[] args) =>
        InsureCrm.Tests.Models.CliConsole.RunAsync(config, args);

    /// <summary>A database with an admin "ops", a second admin "boss", an analyst "ana" and a marketer "mkt", and a generated insurer as of 2025-06-30.</summary>
    private static async Task<IConfiguration> GeneratedAsync(TestDatabase db, int customers, params string[] truthArgs)
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(db.Settings).Build();
        await TestUsers.AddAsync(db, "ops", Role.Admin);
        await TestUsers.AddAsync(db, "boss", Role.Admin);
        await TestUsers.AddAsync(db, "ana", Role.Analyst);
        await TestUsers.AddAsync(db, "mkt", Role.Marketer);
        (await RunAsync(config, ["generate", "--customers", customers.ToString(CultureInfo.InvariantCulture), "--as-of", "2025-06-30", .. truthArgs, "--as", "ops"])).Exit.ShouldBe(0);
        return config;
    }

    [Fact]
    public async Task ModelVerbs_BuildListApproveRunCompareTruth_ChampionScoresAndTruthAtTheCutoff()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        var truth = Path.Combine(_dir, "truth.csv");
        var config = await GeneratedAsync(db, 2500, "--truth", truth, "--truth-at", "2025-03-31");

        var build = await RunAsync(config, "model", "build", "lapse", "--cutoff", "2025-03-31", "--as", "ana");
        build.Exit.ShouldBe(0, build.Error);
        build.Output.ShouldContain("lapse v1 (logistic, cutoff 2025-03-31, window 3 months): challenger");
        var heldOutAuc = double.Parse(AucPattern().Match(build.Output).Groups[1].Value, CultureInfo.InvariantCulture);

        var list = await RunAsync(config, "model", "list", "--as", "ana");
        list.Exit.ShouldBe(0);
        list.Output.ShouldContain("lapse");
        list.Output.ShouldContain("Challenger");

        var approve = await RunAsync(config, "model", "approve", "lapse", "1", "--as", "boss");
        approve.Exit.ShouldBe(0, approve.Error);
        approve.Output.ShouldContain("lapse v1 is the champion.");

        var run = await RunAsync(config, "model", "run", "--as-of", "2025-06-30", "--as", "ana");
        run.Exit.ShouldBe(0, run.Error);
        await using (var ctx = db.CreateContext())
        {
            var scoreRun = await ctx.Set<ModelScoreRun>().AsNoTracking().SingleAsync();
            scoreRun.RunDate.ShouldBe(new DateOnly(2025, 6, 30));
            (await ctx.Set<CustomerModelScore>().CountAsync(s => s.RunId == scoreRun.Id))
                .ShouldBe(await ctx.Customers.CountAsync(c => c.MergedIntoId == null), "every live customer gets the champion's score");
            (await ctx.AccessLog.AnyAsync(e => e.UserName == "ana" && e.Detail!.StartsWith("model run"))).ShouldBeTrue();
        }

        var compare = await RunAsync(config, "model", "compare-truth", "lapse", "--truth", truth, "--as", "ana");
        compare.Exit.ShouldBe(0, compare.Error);
        compare.Output.ShouldContain("truth (p_lapse_3m as of 2025-03-31)");
        var aucs = CompareAucPattern().Match(compare.Output);
        aucs.Success.ShouldBeTrue(compare.Output);
        double.Parse(aucs.Groups[1].Value, CultureInfo.InvariantCulture).ShouldBe(heldOutAuc, 0.0005, "the same held-out customers as the build");
        double.Parse(aucs.Groups[2].Value, CultureInfo.InvariantCulture).ShouldBeGreaterThan(0.6, "the truth at the cutoff ranks the lapses of the window");

        // A truth of another date (here: the same file claiming the as-of date) is refused, and so is one without a date.
        var lines = await File.ReadAllLinesAsync(truth);
        var later = Path.Combine(_dir, "later.csv");
        await File.WriteAllLinesAsync(later, lines.Select(l => l.Replace(",2025-03-31", ",2025-06-30", StringComparison.Ordinal)));
        var refused = await RunAsync(config, "model", "compare-truth", "lapse", "--truth", later, "--as", "ana");
        refused.Exit.ShouldBe(1);
        refused.Error.ShouldContain("--truth-at 2025-03-31");
        var undated = Path.Combine(_dir, "undated.csv");
        await File.WriteAllLinesAsync(undated, lines.Select(l => l[..l.LastIndexOf(',')]));
        (await RunAsync(config, "model", "compare-truth", "lapse", "--truth", undated, "--as", "ana")).Exit.ShouldBe(1);
    }

    [Fact]
    public async Task ModelVerbs_WrongRoleOrOwnModel_RefusedAndNothingChanges()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        var config = await GeneratedAsync(db, 1500);

        (await RunAsync(config, "model", "build", "lapse", "--cutoff", "2025-03-31", "--as", "mkt")).Exit.ShouldBe(1, "a marketer may not build");
        await using (var ctx = db.CreateContext())
        {
            (await ctx.Set<ModelVersion>().AnyAsync()).ShouldBeFalse();
        }
        (await RunAsync(config, "model", "build", "lapse", "--cutoff", "2025-03-31", "--as", "ana")).Exit.ShouldBe(0);
        (await RunAsync(config, "model", "build", "lapse", "--cutoff", "2025-03-31", "--as", "boss")).Exit.ShouldBe(0);

        (await RunAsync(config, "model", "approve", "lapse", "1", "--as", "ana")).Exit.ShouldBe(1, "an analyst may not approve");
        var own = await RunAsync(config, "model", "approve", "lapse", "2", "--as", "boss");
        own.Exit.ShouldBe(1, "nobody approves a model they trained");
        own.Error.ShouldContain("another approver");
        await using (var ctx = db.CreateContext())
        {
            (await ctx.Set<ModelVersion>().AsNoTracking().OrderBy(v => v.Version).Select(v => v.Status).ToListAsync())
                .ShouldBe([ModelStatus.Challenger, ModelStatus.Challenger]);
        }

        (await RunAsync(config, "model", "approve", "lapse", "2", "--as", "ops")).Exit.ShouldBe(0, "another admin may");
        (await RunAsync(config, "model", "run", "--as-of", "2025-06-30", "--as", "mkt")).Exit.ShouldBe(1, "a marketer may not score");
        await using (var ctx = db.CreateContext())
        {
            (await ctx.Set<ModelVersion>().AsNoTracking().SingleAsync(v => v.Version == 2)).ApprovedBy.ShouldBe("ops");
            (await ctx.Set<ModelScoreRun>().AnyAsync()).ShouldBeFalse();
        }
    }

    [GeneratedRegex(@"held-out AUC (\d\.\d{3})")]
    private static partial Regex AucPattern();

    [GeneratedRegex(@"model AUC (\d\.\d{3}), truth \(p_lapse_3m as of 2025-03-31\) AUC (\d\.\d{3})")]
    private static partial Regex CompareAucPattern();

    [Fact]
    public async Task ModelExport_TrainingSetAsCsv_OneRowPerPopulationMemberThatTheWorkbenchTrainsOn_NotForAMarketer()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        var config = await GeneratedAsync(db, 1500);
        var file = Path.Combine(_dir, "lapse.csv");

        (await RunAsync(config, "model", "export", "lapse", "--cutoff", "2025-03-31", "--out", file, "--as", "mkt")).Exit.ShouldBe(1);
        File.Exists(file).ShouldBeFalse();

        var export = await RunAsync(config, "model", "export", "lapse", "--cutoff", "2025-03-31", "--out", file, "--as", "ana");

        export.Exit.ShouldBe(0, export.Error);
        var lines = await File.ReadAllLinesAsync(file);
        var header = lines[0].Split(',');
        header[0].ShouldBe("customer_id");
        header[^1].ShouldBe("label");
        header[1..^1].ShouldBe(InsurerModels.Lapse.Features.Select(f => f.Name));
        var rows = lines.Skip(1).Select(l => l.Split(',')).ToList();
        rows.ShouldAllBe(r => r.Length == header.Length);
        rows.Select(r => r[0]).Distinct().Count().ShouldBe(rows.Count, "one row per customer of the population");
        rows.Count(r => r[^1] == "1").ShouldBeGreaterThan(0);
        export.Output.ShouldContain(string.Create(CultureInfo.InvariantCulture, $"{rows.Count:N0} rows"));
        await using (var ctx = db.CreateContext())
        {
            (await ctx.AccessLog.AnyAsync(e => e.UserName == "ana" && e.Action == AccessAction.Export && e.Detail!.StartsWith("model export lapse"))).ShouldBeTrue();
        }

        var train = await RunAsync(config, "model", "train", "--data", file, "--target", "label", "--id", "customer_id", "--algorithm", "gbdt", "--out", Path.Combine(_dir, "m.json"));
        train.Exit.ShouldBe(0, train.Error);
        train.Output.ShouldContain("AUC");
    }
}

using System.Globalization;
using System.Text.RegularExpressions;
using InsureCrm.Core.Common;
using InsureCrm.Core.Customers;
using InsureCrm.Core.Models;
using InsureCrm.Core.Security;
using InsureCrm.Core.Value;
using InsureCrm.Tests.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;

namespace InsureCrm.Tests.Nightly;

/// <summary><c>insurecrm nightly run</c> in-process, as a user runs it; it reads the console, so it runs alone.</summary>
[Collection(nameof(InsureCrm.Tests.Models.ConsoleSwappingTests))]
public sealed class NightlyCommandTests
{
    private static Task<(int Exit, string Output, string Error)> RunAsync(IConfiguration config, params string[] args) =>
        InsureCrm.Tests.Models.CliConsole.RunAsync(config, args);

    /// <summary>An admin "ops", a second admin "boss", an analyst "ana", a marketer "mkt", and a generated insurer as of 2025-06-30.</summary>
    private static async Task<IConfiguration> GeneratedAsync(TestDatabase db, int customers)
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(db.Settings).Build();
        await TestUsers.AddAsync(db, "ops", Role.Admin);
        await TestUsers.AddAsync(db, "boss", Role.Admin);
        await TestUsers.AddAsync(db, "ana", Role.Analyst);
        await TestUsers.AddAsync(db, "mkt", Role.Marketer);
        (await RunAsync(config, "generate", "--customers", customers.ToString(System.Globalization.CultureInfo.InvariantCulture), "--as-of", "2025-06-30", "--as", "ops")).Exit.ShouldBe(0);
        return config;
    }

    [Fact]
    public async Task NightlyRun_WithAChampion_WritesValueLifecycleSegmentsAndTheChampionsScores_AndFromScoresOnlyScores()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        var config = await GeneratedAsync(db, 1500);
        (await RunAsync(config, "model", "build", "lapse", "--cutoff", "2025-03-31", "--as", "ana")).Exit.ShouldBe(0);
        (await RunAsync(config, "model", "approve", "lapse", "1", "--as", "boss")).Exit.ShouldBe(0);

        var night = await RunAsync(config, "nightly", "run", "--as-of", "2025-06-30", "--as", "ana");

        night.Exit.ShouldBe(0, night.Error);
        night.Output.ShouldContain("Value run ");
        night.Output.ShouldContain("Lifecycle: ");
        night.Output.ShouldContain("Segments: ");
        night.Output.ShouldContain("lapse v1: run ");
        var june = new DateOnly(2025, 6, 30);
        await using (var ctx = db.CreateContext())
        {
            var live = await ctx.Customers.CountAsync(c => c.MergedIntoId == null);
            var run = await ctx.Set<ValueRun>().AsNoTracking().SingleAsync();
            run.RunDate.ShouldBe(june);
            (await ctx.Set<CustomerValue>().CountAsync(v => v.RunId == run.Id)).ShouldBe(live);
            (await ctx.Set<CustomerLifecycle>().Select(l => l.CustomerId).Distinct().CountAsync()).ShouldBe(live);
            (await ctx.Set<CustomerSegment>().CountAsync(s => s.RunId == run.Id)).ShouldBe(live);
            var scores = await ctx.Set<ModelScoreRun>().AsNoTracking().SingleAsync();
            scores.RunDate.ShouldBe(june, "the champion scores the book as of the same date, as the web host's night does");
            (await ctx.Set<CustomerModelScore>().CountAsync(s => s.RunId == scores.Id)).ShouldBe(live);
            (await ctx.AccessLog.AnyAsync(e => e.UserName == "ana" && e.Detail!.StartsWith("nightly run"))).ShouldBeTrue();
        }

        var scoresOnly = await RunAsync(config, "nightly", "run", "--as-of", "2025-07-01", "--from", "scores", "--as", "ana");

        scoresOnly.Exit.ShouldBe(0, scoresOnly.Error);
        scoresOnly.Output.ShouldContain("lapse v1: run ");
        scoresOnly.Output.ShouldNotContain("Value run ");
        await using var check = db.CreateContext();
        (await check.Set<ValueRun>().CountAsync()).ShouldBe(1, "--from scores runs no value step");
        var july = await check.Set<ModelScoreRun>().AsNoTracking().SingleAsync(r => r.RunDate == new DateOnly(2025, 7, 1));
        (await check.Set<CustomerModelScore>().CountAsync(s => s.RunId == july.Id)).ShouldBe(await check.Customers.CountAsync(c => c.MergedIntoId == null));
    }

    [Fact]
    public async Task NightlyRun_PrintsEachStepWithItsWallTimeCpuAndPeakMemory_InTheOrderTheyRan()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        var config = await GeneratedAsync(db, 200);

        var night = await RunAsync(config, "nightly", "run", "--as-of", "2025-06-30", "--as", "ana");

        night.Exit.ShouldBe(0, night.Error);
        // bench/nightly.sh reads these lines: "value (12.3 s; CPU 10.1 s; peak RSS 250 MB)", one per step as it completes.
        var steps = night.Output.Split('\n').Select(l => Regex.Match(l.TrimEnd('\r'), @"^([\w-]+) \((\d+\.\d) s; CPU (\d+\.\d) s; peak RSS ([\d,]+) MB\)$"))
            .Where(m => m.Success).ToList();
        steps.Select(m => m.Groups[1].Value).ShouldBe(["value", "lifecycle", "segments", "scores", "targeting", "campaigns", "orphans", "worklists", "callcenter", "voc-sla", "voc-learn", "voc-digest", "access-log"]);
        // 200 customers take this (already warm) process well under a tenth of a second of CPU per step: only the form is certain.
        steps.ShouldAllBe(m => double.Parse(m.Groups[3].Value, CultureInfo.InvariantCulture) >= 0);
        steps.ShouldAllBe(m => long.Parse(m.Groups[4].Value, NumberStyles.AllowThousands, CultureInfo.InvariantCulture) > 0);
        night.Output.ShouldContain("No champion to score with");
    }

    [Fact]
    public async Task NightlyRun_FromBogusOrAMarketer_FailsAndWritesNothing_AndAFailingStepStopsTheChain()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        var config = await GeneratedAsync(db, 200);

        var bogus = await RunAsync(config, "nightly", "run", "--as-of", "2025-06-30", "--from", "bogus", "--as", "ana");

        bogus.Exit.ShouldBe(1);
        bogus.Error.ShouldContain("value, lifecycle, segments, scores");
        (await RunAsync(config, "nightly", "run", "--as-of", "2025-06-30", "--as", "mkt")).Exit.ShouldBe(1, "a marketer may not run the chain");
        var notADate = await RunAsync(config, "nightly", "run", "--as-of", "2025-06-31", "--as", "ana");
        notADate.Exit.ShouldBe(1);
        notADate.Error.ShouldContain("--as-of: '2025-06-31' is not a date (yyyy-MM-dd).");
        await using (var ctx = db.CreateContext())
        {
            (await ctx.Set<ValueRun>().AnyAsync()).ShouldBeFalse();
            (await ctx.Set<CustomerLifecycle>().AnyAsync()).ShouldBeFalse();
            (await ctx.Set<ModelScoreRun>().AnyAsync()).ShouldBeFalse();
            (await ctx.AccessLog.AnyAsync(e => e.Detail!.StartsWith("nightly run"))).ShouldBeFalse();
        }

        // Segments belong to a value run: without one for the date the segments step fails, and scoring after it does not run.
        var noValue = await RunAsync(config, "nightly", "run", "--as-of", "2025-06-30", "--from", "segments", "--as", "ana");

        noValue.Exit.ShouldBe(1);
        noValue.Error.ShouldContain("segments");
        noValue.Error.ShouldContain("--from value");
        await using var check = db.CreateContext();
        (await check.Set<CustomerSegment>().AnyAsync()).ShouldBeFalse();
        noValue.Output.ShouldNotContain("No champion", Case.Sensitive, "the chain stops at the failing step: scoring does not run");
    }
}

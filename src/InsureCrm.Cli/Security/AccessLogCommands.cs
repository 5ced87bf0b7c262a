using System.CommandLine;
using System.Globalization;
using InsureCrm.Core.Common;
using InsureCrm.Core.Security;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console;

namespace InsureCrm.Cli.Security;

/// <summary>
/// <c>insurecrm access-log verify</c> (exit 0 intact, 3 broken: an entry altered, removed or inserted, an
/// unsigned purge anchor or switch-over seal, entries missing before the signed head checkpoint), <c>access-log review --month 2026-10 --as USER</c>
/// (compliance) and <c>access-log purge --as USER</c> (compliance: entries older than
/// Security:AccessLog:RetentionDays, at least 730).
/// </summary>
internal static class AccessLogCommands
{
    public const int ChainBroken = 3;

    public static Command Create(Lazy<ServiceProvider> services)
    {
        var command = new Command("access-log", "The access log of personal data: verify its hash chain, review a month, purge past retention");

        var verify = new Command("verify", "Walk the keyed hash chain from its signed anchor to the signed head checkpoint and report the first entry that was altered, removed or inserted");
        verify.SetAction(async (ParseResult _, CancellationToken ct) =>
        {
            // Keys other than the log's own would call every entry altered: say so instead.
            if ((await services.Value.GetRequiredService<Migrator>().PendingAsync(ct)).Count == 0 && !await CliUser.KeysMatchAsync(services.Value, ct))
            {
                return 1;
            }
            var log = services.Value.GetRequiredService<AccessLog>();
            var result = await log.VerifyAsync(ct);
            if (result.Intact)
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Access log intact: {result.Entries:N0} entries verified."));
                return 0;
            }
            await Console.Error.WriteLineAsync(Explain(result, log.CheckpointFile));
            return ChainBroken;
        });
        command.Subcommands.Add(verify);

        var month = new Option<string>("--month") { Description = "The month to review, e.g. 2026-10 (in the configured time zone)", Required = true };
        var review = new Command("review", "Monthly access review per user: views, searches, unmasks, downloads, off-hours, unusual days") { month };
        review.SetAction(async (ParseResult pr, CancellationToken ct) =>
        {
            if (!AccessReview.TryParseMonth(pr.GetValue(month), out var year, out var m))
            {
                await Console.Error.WriteLineAsync("Error: --month must look like 2026-10.");
                return 1;
            }
            var user = await CliUser.ResolveAsync(pr, services.Value, Capability.ComplianceLogs, ct);
            if (user is null)
            {
                return 1;
            }
            await using var scope = services.Value.CreateAsyncScope();
            var report = await scope.ServiceProvider.GetRequiredService<AccessReview>().BuildAsync(year, m, ct);
            await services.Value.GetRequiredService<IAccessLog>().RecordAsync(user,
                new AccessEvent(AccessAction.View, null, null, string.Create(CultureInfo.InvariantCulture, $"access-review {year:D4}-{m:D2}")), ct);
            var inv = CultureInfo.InvariantCulture;
            Console.WriteLine(string.Create(inv, $"Access review {year:D4}-{m:D2}: chain {(report.Chain.Intact ? "intact" : $"BROKEN at entry {report.Chain.FirstBrokenId}")}, {report.Chain.Entries:N0} entries verified; threshold {report.DailyCustomerThreshold} customers a day."));
            var table = new Table().AddColumns("user", "role", "views", "searches", "changes", "unmasks", "downloads", "off-hours", "max customers/day", "days over", "denied", "flag");
            foreach (var r in report.Users)
            {
                table.AddRow(Markup.Escape(r.UserName), r.Role.ToString(), r.Views.ToString(inv), r.Searches.ToString(inv), r.Changes.ToString(inv),
                    r.Unmasks.ToString(inv), r.Downloads.ToString(inv), r.OffHours.ToString(inv), r.MaxCustomersPerDay.ToString(inv),
                    r.DaysOverThreshold.ToString(inv), r.Denied.ToString(inv), r.Flagged ? "review" : "");
            }
            AnsiConsole.Write(table);
            return report.Chain.Intact ? 0 : ChainBroken;
        });
        command.Subcommands.Add(review);

        var purge = new Command("purge", "Delete entries older than the retention period, keeping the chain verifiable from a recorded anchor");
        purge.SetAction(async (ParseResult pr, CancellationToken ct) =>
        {
            var user = await CliUser.ResolveAsync(pr, services.Value, Capability.ComplianceLogs, ct);
            if (user is null)
            {
                return 1;
            }
            var log = services.Value.GetRequiredService<AccessLog>();
            var result = await log.PurgeAsync(ct);
            await log.RecordAsync(user, new AccessEvent(AccessAction.Delete, null, null,
                string.Create(CultureInfo.InvariantCulture, $"access-log purge: {result.Purged} entries before {result.Cutoff:yyyy-MM-dd}")), ct);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Purged {result.Purged:N0} access-log entries older than {result.Cutoff:yyyy-MM-dd}."));
            return 0;
        });
        command.Subcommands.Add(purge);
        return command;
    }

    /// <summary>What a broken verification means, in one line: where, and what was found.</summary>
    internal static string Explain(ChainVerification result, string checkpointFile)
    {
        var inv = CultureInfo.InvariantCulture;
        var cp = result.Checkpoint;
        return result.Fault switch
        {
            ChainFault.Anchor => "Access log BROKEN: the chain starts at a purge anchor that is not signed with the access-log key (its first entries were removed).",
            ChainFault.Seal => "Access log BROKEN: the switch-over record to the keyed chain is not signed with the access-log key.",
            ChainFault.Missing when cp is not null && cp.ThroughId == result.FirstBrokenId => string.Create(inv,
                $"Access log BROKEN at entry {result.FirstBrokenId} (after {result.Entries:N0} good entries): entry {cp.ThroughId}, number {cp.Seq:N0} of the log, is missing, and with it any after it; the signed checkpoint of {cp.At:yyyy-MM-dd HH:mm:ss} UTC ({checkpointFile}) vouches for it. Removed, or the database was restored or replaced."),
            ChainFault.Missing => string.Create(inv,
                $"Access log BROKEN at entry {result.FirstBrokenId} (after {result.Entries:N0} good entries): the last entry before the keyed chain is missing."),
            ChainFault.Checkpoint when result.FirstBrokenId is { } id => string.Create(inv,
                $"Access log BROKEN at entry {id} (after {result.Entries:N0} good entries): the signed checkpoint ({checkpointFile}) names this entry with another hash: this is not the log it was taken of."),
            ChainFault.Checkpoint => $"Access log BROKEN: the checkpoint file {checkpointFile} is unreadable or not signed with the access-log key.",
            _ => string.Create(inv,
                $"Access log BROKEN at entry {result.FirstBrokenId} (after {result.Entries:N0} good entries): it was altered, removed or inserted, or written with another access-log key."),
        };
    }
}

using InsureCrm.Core.Common;
using InsureCrm.Core.Security;
using InsureCrm.Core.Tests.Value;
using Microsoft.Extensions.Logging;

namespace InsureCrm.Tests.Security;

/// <summary>
/// A checkpoint file that names an entry this database's log does not hold (another database's log wrote it with the
/// same key file, or the log was tampered with) is kept as evidence, and said once: the following batches neither
/// overwrite it nor warn about it again.
/// </summary>
public class AccessLogHeldCheckpointTests
{
    private static readonly CrmUser Agent = new(7, "agent", Role.Agent, 11, 3, "s1", "10.0.0.7");

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Record_CheckpointOfAnotherDatabasesLog_KeptAndReportedOnceOverManyBatches(DatabaseProvider provider)
    {
        await using var first = await TestDatabase.CreateAsync(provider);
        await using var second = await TestDatabase.CreateAsync(provider);
        var sharedKey = AccessLogKey.From(new ProtectionOptions { KeyFile = first.KeyFile });

        var firstLog = new AccessLog(first.Database, TimeProvider.System, new AccessLogOptions(), sharedKey);
        for (var i = 1; i <= 3; i++)
        {
            await firstLog.RecordAsync(Agent, new AccessEvent(AccessAction.View, i, AccessReason.Inquiry));
        }
        var written = await File.ReadAllTextAsync(firstLog.CheckpointFile);

        using var logs = new ListLoggerFactory();
        var secondLog = new AccessLog(second.Database, TimeProvider.System, new AccessLogOptions(), sharedKey, new Logger<AccessLog>(logs));
        for (var i = 1; i <= 6; i++)
        {
            await secondLog.RecordAsync(Agent, new AccessEvent(AccessAction.View, i, AccessReason.Inquiry));
        }

        secondLog.Batches.ShouldBe(6);
        (await File.ReadAllTextAsync(secondLog.CheckpointFile)).ShouldBe(written);
        logs.Lines.Count(l => l.Contains("no longer holds entry", StringComparison.Ordinal)).ShouldBe(1);
        // The verification still says what the kept checkpoint shows.
        var verified = await secondLog.VerifyAsync();
        verified.Intact.ShouldBeFalse();
        verified.Fault.ShouldBeOneOf(ChainFault.Checkpoint, ChainFault.Missing);
    }
}

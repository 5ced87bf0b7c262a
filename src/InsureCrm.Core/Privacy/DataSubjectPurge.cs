using System.Globalization;
using InsureCrm.Core.Common;
using InsureCrm.Core.Customers;
using InsureCrm.Core.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace InsureCrm.Core.Privacy;

/// <summary>What a purge run did.</summary>
public sealed record RetentionPurgeResult(int Purged, int StillRetained);

/// <summary>
/// The retention purge: once an erased customer's <see cref="CustomerRetention.RetainUntil"/> has passed,
/// removes the RRN (ciphertext, hash, masked form), birth date, business number and source-system keys,
/// leaving pseudonymous rows (gender, contracts, claims) that are safe for statistics. Batched and
/// resumable: a run that stops part-way leaves the rest due for the next run.
/// </summary>
public sealed class DataSubjectPurge(CrmDbContext db, IAccessLog accessLog, TimeProvider clock, ILogger<DataSubjectPurge> logger)
{
    public const int BatchSize = 200;
    internal const string PurgedFields = "rrn,birthDate,businessNumber,sourceKeys,identifiers";

    /// <summary>The account the web host's daily job acts as.</summary>
    public static readonly CrmUser JobUser = new(0, "system:privacy-purge", Role.Compliance, null, null, null, "job");

    /// <summary>Purges every customer whose retention has ended; only Compliance and Admin may run it.</summary>
    public async Task<RetentionPurgeResult?> PurgeDueAsync(CrmUser user, CancellationToken ct = default)
    {
        if (user.Role is not (Role.Compliance or Role.Admin))
        {
            return null;
        }
        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        var purged = 0;
        while (true)
        {
            var due = await db.Set<CustomerRetention>()
                .Where(r => r.PurgedAt == null && r.RetainUntil <= today)
                .OrderBy(r => r.Id).Take(BatchSize).ToListAsync(ct);
            if (due.Count == 0)
            {
                break;
            }
            var ids = due.Select(r => r.CustomerId).Distinct().ToList();
            var now = clock.GetUtcNow().UtcDateTime;
            var strategy = db.Database.CreateExecutionStrategy();
            await strategy.ExecuteAsync(async () =>
            {
                await using var tx = await db.Database.BeginTransactionAsync(ct);
                foreach (var customer in await db.Customers.Where(c => ids.Contains(c.Id)).ToListAsync(ct))
                {
                    customer.RrnCipher = null;
                    customer.RrnHash = null;
                    customer.RrnMasked = null;
                    customer.BirthDate = null;
                    customer.BusinessNumber = null;
                    customer.Name = DataSubjectRights.Pseudonym(customer.Id);
                    customer.UpdatedAt = now;
                }
                await db.CustomerSourceKeys.Where(k => ids.Contains(k.CustomerId)).ExecuteDeleteAsync(ct);
                await db.Set<CustomerIdentifier>().Where(i => ids.Contains(i.CustomerId)).ExecuteDeleteAsync(ct);
                foreach (var r in due)
                {
                    r.PurgedAt = now;
                }
                foreach (var e in await db.Set<CustomerErasure>().Where(e => ids.Contains(e.CustomerId) && e.PurgedAt == null).ToListAsync(ct))
                {
                    e.PurgedAt = now;
                }
                await db.SaveChangesAsync(ct);
                await tx.CommitAsync(ct);
            });
            db.ChangeTracker.Clear();
            await accessLog.RecordManyAsync(user,
                [.. ids.Select(id => new AccessEvent(AccessAction.Delete, id, "Retention period ended", "purged: " + PurgedFields))], ct);
            purged += ids.Count;
        }
        var retained = await db.Set<CustomerRetention>().CountAsync(r => r.PurgedAt == null, ct);
        if (purged > 0)
        {
            logger.LogInformation("Retention purge removed the retained identity of {Count} erased customers; {Retained} still retained",
                purged, retained);
        }
        return new RetentionPurgeResult(purged, retained);
    }

    /// <summary>For the CLI: a one-line summary.</summary>
    public static string Describe(RetentionPurgeResult result) => string.Create(CultureInfo.InvariantCulture,
        $"Purged {result.Purged:N0} erased customers whose retention ended; {result.StillRetained:N0} still retained.");
}

using System.Globalization;
using System.Text;
using InsureCrm.Analytics.Learning;
using InsureCrm.Core.Common;
using InsureCrm.Core.Security;
using Microsoft.EntityFrameworkCore;

namespace InsureCrm.Core.Models;

public enum ApprovalOutcome { Approved, NotFound, AlreadyChampion, Retired, OwnModel }

/// <summary>The result of an approval: the new champion and the version it retired, if any.</summary>
public sealed record ApprovalResult(ApprovalOutcome Outcome, ModelVersion? Champion = null, ModelVersion? RetiredChampion = null);

/// <summary>
/// Model versions per name. A new version is a challenger; approving it makes it the champion and retires
/// the champion before it, in one transaction, so a name has at most one champion. Nobody approves a
/// version they trained themselves (four eyes); approvals are written to the access log.
/// </summary>
public sealed class ModelRegistry(CrmDatabase database, IAccessLog accessLog, TimeProvider time)
{
    /// <summary>Adds <paramref name="version"/> as the next version of its name.</summary>
    public async Task AddAsync(ModelVersion version, CancellationToken ct)
    {
        for (var attempt = 0; ; attempt++)
        {
            await using var ctx = database.CreateContext();
            var last = await ctx.Set<ModelVersion>().Where(m => m.Name == version.Name).MaxAsync(m => (int?)m.Version, ct) ?? 0;
            version.Id = 0;
            version.Version = last + 1;
            ctx.Add(version);
            try
            {
                await ctx.SaveChangesAsync(ct);
                return;
            }
            catch (DbUpdateException) when (attempt < 3)
            {
                // Another trainer took the number (unique name, version): take the next one.
            }
        }
    }

    public async Task<IReadOnlyList<ModelVersion>> ListAsync(string? name, CancellationToken ct)
    {
        await using var ctx = database.CreateContext();
        var query = ctx.Set<ModelVersion>().AsNoTracking();
        if (name is not null)
        {
            query = query.Where(m => m.Name == name);
        }
        return await query.OrderBy(m => m.Name).ThenBy(m => m.Version).ToListAsync(ct);
    }

    public async Task<ModelVersion?> FindAsync(string name, int version, CancellationToken ct)
    {
        await using var ctx = database.CreateContext();
        return await ctx.Set<ModelVersion>().AsNoTracking().FirstOrDefaultAsync(m => m.Name == name && m.Version == version, ct);
    }

    /// <summary>The champion of every name that has one.</summary>
    public async Task<IReadOnlyList<ModelVersion>> ChampionsAsync(CancellationToken ct)
    {
        await using var ctx = database.CreateContext();
        return await ctx.Set<ModelVersion>().AsNoTracking().Where(m => m.Status == ModelStatus.Champion).OrderBy(m => m.Name).ToListAsync(ct);
    }

    /// <summary>Makes a challenger the champion of its name and retires the previous champion.</summary>
    public async Task<ApprovalResult> ApproveAsync(string name, int version, CrmUser approver, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(approver);
        ApprovalResult result;
        await using (var ctx = database.CreateContext())
        {
            await using var tx = await ctx.Database.BeginTransactionAsync(System.Data.IsolationLevel.Serializable, ct);
            var candidate = await ctx.Set<ModelVersion>().FirstOrDefaultAsync(m => m.Name == name && m.Version == version, ct);
            if (candidate is null)
            {
                return new ApprovalResult(ApprovalOutcome.NotFound);
            }
            if (candidate.Status != ModelStatus.Challenger)
            {
                return new ApprovalResult(candidate.Status == ModelStatus.Champion ? ApprovalOutcome.AlreadyChampion : ApprovalOutcome.Retired, candidate);
            }
            if (string.Equals(candidate.TrainedBy, approver.UserName, StringComparison.Ordinal))
            {
                return new ApprovalResult(ApprovalOutcome.OwnModel, candidate);
            }
            var now = time.GetUtcNow().UtcDateTime;
            var previous = await ctx.Set<ModelVersion>().FirstOrDefaultAsync(m => m.Name == name && m.Status == ModelStatus.Champion, ct);
            if (previous is not null)
            {
                previous.Status = ModelStatus.Retired;
                previous.RetiredAt = now;
            }
            candidate.Status = ModelStatus.Champion;
            candidate.ApprovedBy = approver.UserName;
            candidate.ApprovedAt = now;
            await ctx.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
            result = new ApprovalResult(ApprovalOutcome.Approved, candidate, previous);
        }
        await accessLog.RecordAsync(approver, new AccessEvent(AccessAction.Change, null, null, string.Create(CultureInfo.InvariantCulture,
            $"model approve {name} v{version} (AUC {result.Champion!.Auc:F3}){(result.RetiredChampion is { } r ? $", retired v{r.Version}" : "")}")), ct);
        return result;
    }

    /// <summary>The trained classifier of a version (read-only, safe to share across threads).</summary>
    public static IClassifier Load(ModelVersion version)
    {
        ArgumentNullException.ThrowIfNull(version);
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes(version.Artifact));
        return ModelFile.Load(stream);
    }
}

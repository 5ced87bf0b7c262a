using System.Security.Cryptography;
using InsureCrm.Core.Common;
using Microsoft.EntityFrameworkCore;

namespace InsureCrm.Core.Campaigns.Planning;

/// <summary>
/// The company-wide holdout: each year a stable hashed share of customers that no marketing campaign contacts, so that
/// marketing's total effect can be measured against them. A customer is in a year's holdout when
/// <see cref="SplitHash.IsBelow"/> with the year's salt and share; the year (<c>holdout_year</c>) is frozen at its first
/// use, so membership does not change within a year (a later configuration change applies from the next new year), and
/// a new salt re-draws it each year. The year of a campaign is that of its <c>starts_on</c> (a date in Asia/Seoul).
/// </summary>
public static class UniversalHoldout
{
    /// <summary>Whether <paramref name="customerId"/> is in the holdout drawn with <paramref name="salt"/> and <paramref name="share"/>.</summary>
    public static bool Contains(long salt, decimal share, long customerId) => SplitHash.IsBelow(salt, customerId, (double)share);

    /// <summary>Whether <paramref name="customerId"/> is in <paramref name="year"/>'s holdout.</summary>
    public static bool Contains(HoldoutYear year, long customerId)
    {
        ArgumentNullException.ThrowIfNull(year);
        return Contains(year.Salt, year.Share, customerId);
    }

    /// <summary>A fresh salt from the system's random number generator (what a new year gets outside tests).</summary>
    public static long NewSalt() => BitConverter.ToInt64(RandomNumberGenerator.GetBytes(8));

    /// <summary>
    /// The holdout of <paramref name="year"/>: the stored one, or, at the year's first use, a new one with
    /// <paramref name="share"/> (validated 0 ≤ share ≤ 0.2) and <paramref name="salt"/>, saved at once. When two callers
    /// start a year together, the first insert wins and both get its row.
    /// </summary>
    public static async Task<HoldoutYear> EnsureYearAsync(
        CrmDbContext db, int year, decimal share, long salt, string createdBy, DateTime now, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentOutOfRangeException.ThrowIfLessThan(share, 0m);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(share, 0.2m);
        if (await db.Set<HoldoutYear>().AsNoTracking().SingleOrDefaultAsync(h => h.Year == year, ct) is { } stored)
        {
            return stored;
        }
        var created = new HoldoutYear { Year = year, Share = share, Salt = salt, CreatedAt = now, CreatedBy = createdBy };
        db.Set<HoldoutYear>().Add(created);
        try
        {
            await db.SaveChangesAsync(ct);
            return created;
        }
        catch (DbUpdateException)
        {
            db.Entry(created).State = EntityState.Detached;
            return await db.Set<HoldoutYear>().AsNoTracking().SingleAsync(h => h.Year == year, ct);
        }
    }
}

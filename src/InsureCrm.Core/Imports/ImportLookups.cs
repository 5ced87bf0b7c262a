using InsureCrm.Core.Agents;
using InsureCrm.Core.Common;
using InsureCrm.Core.Customers;
using InsureCrm.Core.Policies;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace InsureCrm.Core.Imports;

/// <summary>Batch look-ups of referenced records by their natural keys, one query per batch.</summary>
internal static class ImportLookups
{
    /// <summary>(source system, source id) → the visible customer (following merges to the survivor).</summary>
    public static async Task<Dictionary<(string System, string Id), long>> CustomersAsync(CrmDbContext db, IEnumerable<(string System, string Id)> keys, CancellationToken ct)
    {
        var found = new Dictionary<(string, string), long>();
        foreach (var group in keys.Distinct().GroupBy(k => k.System))
        {
            var system = group.Key;
            var ids = group.Select(k => k.Id).ToList();
            var rows = await db.CustomerSourceKeys.AsNoTracking()
                .Where(k => k.SourceSystem == system && ids.Contains(k.SourceId))
                .Select(k => new { k.SourceId, k.CustomerId })
                .ToListAsync(ct);
            foreach (var r in rows)
            {
                found[(system, r.SourceId)] = r.CustomerId;
            }
        }
        // Source keys move with a merge, but follow merged_into_id in case a key was added to a merged record.
        for (var hop = 0; hop < 5; hop++)
        {
            var targets = found.Values.Distinct().ToList();
            var merged = await db.Customers.AsNoTracking()
                .Where(c => targets.Contains(c.Id) && c.MergedIntoId != null)
                .Select(c => new { c.Id, Into = c.MergedIntoId!.Value })
                .ToDictionaryAsync(c => c.Id, c => c.Into, ct);
            if (merged.Count == 0)
            {
                break;
            }
            foreach (var key in found.Keys.ToList())
            {
                if (merged.TryGetValue(found[key], out var into))
                {
                    found[key] = into;
                }
            }
        }
        return found;
    }

    public static async Task<Dictionary<string, long>> AgentsAsync(CrmDbContext db, IEnumerable<string?> codes, CancellationToken ct)
    {
        var list = codes.OfType<string>().Distinct().ToList();
        return list.Count == 0 ? [] : await db.Agents.AsNoTracking().Where(a => list.Contains(a.Code))
            .ToDictionaryAsync(a => a.Code, a => a.Id, StringComparer.Ordinal, ct);
    }

    public static async Task<Dictionary<string, (long Id, string Currency)>> ProductsAsync(CrmDbContext db, IEnumerable<string?> codes, CancellationToken ct)
    {
        var list = codes.OfType<string>().Distinct().ToList();
        return list.Count == 0 ? [] : await db.Products.AsNoTracking().Where(p => list.Contains(p.Code))
            .ToDictionaryAsync(p => p.Code, p => (p.Id, p.Currency), StringComparer.Ordinal, ct);
    }

    /// <summary>Opens a batch transaction on an EF context, serialised with other import writers.</summary>
    public static async Task<IDbContextTransaction> BeginAsync(CrmDbContext db, CancellationToken ct)
    {
        var tx = await db.Database.BeginTransactionAsync(ct);
        await ImportSql.LockAsync(db.Database.GetDbConnection(), tx.GetDbTransaction(), ct);
        return tx;
    }

    /// <summary>The row's source system (column, else --source), or an error on the row.</summary>
    public static string? SourceSystem(ImportRow row, ImportContext context)
    {
        var system = row.Text("source_system", 20) ?? context.SourceSystem;
        if (system is null)
        {
            row.Error("source_system", "required value is missing (fill the column or pass --source)");
        }
        return system;
    }

    /// <summary>The latest date of an event an import may carry (an issue, a status change, a claim): a year after today, for contracts dated ahead.</summary>
    public static DateOnly Horizon(ImportContext context) =>
        DateOnly.FromDateTime(context.Clock.GetUtcNow().UtcDateTime).AddYears(1);

    /// <summary>Rejects a second row with the same natural key in one file; true when the row is the first.</summary>
    public static bool FirstInFile(Dictionary<string, int> seen, ImportRow row, string column, string key)
    {
        if (seen.TryGetValue(key, out var first))
        {
            row.Error(column, $"duplicate {column} in this file (first at line {first})");
            return false;
        }
        seen[key] = row.Line;
        return true;
    }

    public static string Currency(ImportRow row, string? fallback)
    {
        var currency = row.Text("currency", 3)?.ToUpperInvariant() ?? fallback ?? "KRW";
        if (currency is not ("KRW" or "TWD"))
        {
            row.Error("currency", "unknown value; expected one of: KRW, TWD");
        }
        return currency;
    }
}

using System.Data.Common;
using InsureCrm.Core.Common;

namespace InsureCrm.Core.Identity;

/// <summary>A customer an import writes, as identity resolution's rules see it.</summary>
internal readonly record struct WrittenCustomer(long Id, string? RrnHash, string Name, DateOnly? BirthDate, string? Phone, string? Email = null,
    IdentityKeys? Keys = null)
{
    /// <summary>
    /// What <see cref="MergeRule.SameNameBirthDatePhone"/> compares: the phone number, the name and the birth date;
    /// none without a phone or a birth date. <see cref="MergeRule.SameRrn"/> compares <see cref="RrnHash"/>.
    /// </summary>
    public (string Phone, string Name, DateOnly BirthDate)? Person => Phone is { } p && BirthDate is { } b ? (p, Name, b) : null;
}

/// <summary>
/// Customers of an import's batch that identity resolution must look at; the rest cannot match anyone. They
/// are what <see cref="IdentityResolution.ResolveBatchAsync"/> starts from.
/// </summary>
internal sealed record IdentityCandidates(List<long> SameRrn, List<long> SameNameBirthDatePhone)
{
    /// <summary>
    /// Candidates among the new customers: one whose RRN hash, or whose name, birth date and phone, is already
    /// held by a visible customer (one probe per rule for the whole batch) or by an earlier row of this batch.
    /// Identity resolution then runs its exact rules from these alone instead of from every row, which is
    /// what keeps it cheap when, as usual, almost nothing matches. Call it before the batch is written.
    /// </summary>
    public static async Task<IdentityCandidates> FindAsync(DbConnection connection, DbTransaction tx, IReadOnlyList<WrittenCustomer> fresh, CancellationToken ct)
    {
        var result = new IdentityCandidates([], []);
        if (fresh.Count == 0)
        {
            return result;
        }
        var hashes = new HashSet<string>(StringComparer.Ordinal);
        var phones = new HashSet<string>(StringComparer.Ordinal);
        foreach (var f in fresh)
        {
            if (f.RrnHash is { } h)
            {
                hashes.Add(h);
            }
            if (f.Person is { } person)
            {
                phones.Add(person.Phone);
            }
        }
        var storedHashes = new HashSet<string>(StringComparer.Ordinal);
        var storedPeople = new HashSet<(string, string, DateOnly)>();
        if (hashes.Count > 0)
        {
            await using var cmd = ImportSql.Command(connection, tx,
                $"SELECT DISTINCT rrn_hash FROM customer WHERE {ImportSql.In(connection, "rrn_hash", "h")} AND merged_into_id IS NULL");
            ImportSql.AddList(cmd, "h", hashes);
            await using var r = await cmd.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct))
            {
                storedHashes.Add(r.GetString(0));
            }
        }
        if (phones.Count > 0)
        {
            await using var cmd = ImportSql.Command(connection, tx, $"""
                SELECT DISTINCT p.number, c.name, c.birth_date FROM customer_phone p JOIN customer c ON c.id = p.customer_id
                WHERE {ImportSql.In(connection, "p.number", "p")} AND c.merged_into_id IS NULL AND c.birth_date IS NOT NULL
                """);
            ImportSql.AddList(cmd, "p", phones);
            await using var r = await cmd.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct))
            {
                storedPeople.Add((r.GetString(0), r.GetString(1), ImportSql.ReadDate(r, 2)!.Value));
            }
        }
        var batchHashes = new HashSet<string>(StringComparer.Ordinal);
        var batchPeople = new HashSet<(string, string, DateOnly)>();
        foreach (var f in fresh)
        {
            // A pair inside the batch needs only its later member as a candidate: resolution looks both ways.
            if (f.RrnHash is { } h && (storedHashes.Contains(h) || !batchHashes.Add(h)))
            {
                result.SameRrn.Add(f.Id);
            }
            if (f.Person is { } person && (storedPeople.Contains(person) || !batchPeople.Add(person)))
            {
                result.SameNameBirthDatePhone.Add(f.Id);
            }
        }
        return result;
    }
}

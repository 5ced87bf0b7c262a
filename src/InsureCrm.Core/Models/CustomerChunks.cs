using InsureCrm.Core.Common;
using InsureCrm.Core.Customers;
using Microsoft.EntityFrameworkCore;

namespace InsureCrm.Core.Models;

/// <summary>An id range of live customers, <see cref="Count"/> of them, processed as one chunk.</summary>
public sealed record CustomerRange(int Index, long From, long To, int Count);

internal static class CustomerChunks
{
    /// <summary>Id ranges of at most <paramref name="size"/> live customers, streamed (only the ranges are kept).</summary>
    public static async Task<List<CustomerRange>> RangesAsync(CrmDatabase database, int size, CancellationToken ct)
    {
        var ranges = new List<CustomerRange>();
        await using var ctx = database.CreateContext();
        long from = 0, last = 0;
        var count = 0;
        await foreach (var id in ctx.Customers.AsNoTracking().Where(c => c.MergedIntoId == null).OrderBy(c => c.Id).Select(c => c.Id)
            .AsAsyncEnumerable().WithCancellation(ct))
        {
            if (count == 0)
            {
                from = id;
            }
            last = id;
            if (++count == size)
            {
                ranges.Add(new CustomerRange(ranges.Count, from, last, count));
                count = 0;
            }
        }
        if (count > 0)
        {
            ranges.Add(new CustomerRange(ranges.Count, from, last, count));
        }
        return ranges;
    }

    /// <summary>A stable pseudo-random number in [0, 1) per customer id and purpose (sampling, hold-out).</summary>
    public static double Hash(long id, ulong salt)
    {
        var x = (ulong)id * 0x9E3779B97F4A7C15UL ^ salt;
        x ^= x >> 31;
        x *= 0xBF58476D1CE4E5B9UL;
        x ^= x >> 27;
        return (x >> 11) * (1.0 / (1UL << 53));
    }
}

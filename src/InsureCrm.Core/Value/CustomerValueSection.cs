using System.Data.Common;
using InsureCrm.Core.Common;

namespace InsureCrm.Core.Value;

/// <summary>The customer's value from the newest completed value run, with how it was computed.</summary>
public sealed record CustomerValueView(
    long RunId, DateOnly AsOf, string? Grade, decimal Experience, decimal Current, decimal Potential, decimal Total,
    CustomerValueExplanation? Explanation);

/// <summary>One period of a lifecycle state (insurance or loan dimension); <see cref="Until"/> is null while current.</summary>
public sealed record LifecycleView(LifecycleDimension Dimension, LifecycleState State, DateOnly Since, DateOnly? Until);

/// <summary>
/// The customer's segment in the newest value run: grid cell, needs group with the features that set it
/// apart, and the strategy, channels and service level resolved for them.
/// </summary>
public sealed record CustomerSegmentView(
    SegmentCell GridCell, int NeedsGroup, double GroupShare, IReadOnlyList<SegmentFeature> GroupProfile,
    Strategy Strategy, IReadOnlyList<StrategyChannel> Channels, ServiceLevel ServiceLevel);

/// <summary>What the value feature shows on a customer's page: value, lifecycle periods and segment.</summary>
internal sealed record CustomerValueFacts(CustomerValueView? Value, IReadOnlyList<LifecycleView> Lifecycle, CustomerSegmentView? Segment);

/// <summary>
/// The value feature's section of the customer page: the customer's value and segment in the newest completed value run
/// and every lifecycle period (per dimension, newest first). No scope check: the composing caller has checked it.
/// The section is three SELECTs that the page sends in its own batch (<see cref="Sql"/>) and reads back in order
/// (<see cref="ReadAsync"/>), so that it costs no round trip of its own.
/// </summary>
internal static class CustomerValueSection
{
    private static readonly string LatestRun =
        $"SELECT id FROM value_run WHERE status = '{nameof(ValueRunStatus.Completed)}' ORDER BY run_date DESC, id DESC LIMIT 1";

    /// <summary>The section's statements for the customer whose id is the batch's <c>@id</c> parameter: three result sets.</summary>
    public static string Sql => $"""
        SELECT r.id, r.run_date, v.grade, v.experience_value, v.current_value, v.potential_value, v.total_value, v.explanation
        FROM value_run r JOIN customer_value v ON v.run_id = r.id
        WHERE r.id = ({LatestRun}) AND v.customer_id = @id;
        SELECT dimension, state, since, until FROM customer_lifecycle WHERE customer_id = @id
        ORDER BY dimension, since DESC, id DESC;
        SELECT g.grid_cell, g.needs_group, g.strategy, g.channels, g.service_level, p.share, p.profile
        FROM customer_segment g LEFT JOIN segment_profile p ON p.run_id = g.run_id AND p.needs_group = g.needs_group
        WHERE g.run_id = ({LatestRun}) AND g.customer_id = @id;
        """;

    /// <summary>Reads the three result sets of <see cref="Sql"/>, starting at the current one and ending on the last.</summary>
    public static async Task<CustomerValueFacts> ReadAsync(DbDataReader reader, CancellationToken ct)
    {
        var value = (await reader.ReadRowsAsync(r => new CustomerValueView(r.GetInt64(0), r.GetFieldValue<DateOnly>(1), r.GetNullableString(2),
            r.GetFieldValue<decimal>(3), r.GetFieldValue<decimal>(4), r.GetFieldValue<decimal>(5), r.GetFieldValue<decimal>(6),
            CustomerValueResult.ReadExplanation(r.GetString(7))), ct)).FirstOrDefault();
        await reader.NextAsync(ct);
        var lifecycle = await reader.ReadRowsAsync(r => new LifecycleView(r.GetEnum<LifecycleDimension>(0), r.GetEnum<LifecycleState>(1),
            r.GetFieldValue<DateOnly>(2), r.GetNullable<DateOnly>(3)), ct);
        await reader.NextAsync(ct);
        var segment = (await reader.ReadRowsAsync(r => new CustomerSegmentView(r.GetEnum<SegmentCell>(0), r.GetInt32(1),
            r.GetNullable<double>(5) ?? 0,
            r.IsDBNull(6) ? [] : SegmentRunner.ReadProfile(r.GetString(6)),
            r.GetEnum<Strategy>(2),
            [.. r.GetString(3).Split(',', StringSplitOptions.RemoveEmptyEntries).Select(Enum.Parse<StrategyChannel>)],
            r.GetEnum<ServiceLevel>(4)), ct)).FirstOrDefault();
        return new CustomerValueFacts(value, lifecycle, segment);
    }
}

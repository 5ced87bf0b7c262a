using System.Data.Common;
using InsureCrm.Core.Common;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace InsureCrm.Web.Hosting;

/// <summary>Ready when the database answers and no migration is pending.</summary>
internal sealed class DatabaseReadyCheck(Migrator migrator) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var pending = await migrator.PendingAsync(cancellationToken);
            return pending.Count == 0
                ? HealthCheckResult.Healthy()
                : HealthCheckResult.Unhealthy($"{pending.Count} migration(s) pending");
        }
        catch (DbException ex)
        {
            return HealthCheckResult.Unhealthy("database unreachable", ex);
        }
    }
}

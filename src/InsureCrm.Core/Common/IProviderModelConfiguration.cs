using Microsoft.EntityFrameworkCore;

namespace InsureCrm.Core.Common;

/// <summary>
/// Model settings of a feature that differ per provider. <see cref="CrmDbContext"/> applies every
/// implementation in Core (parameterless, found by scanning) after it has named tables and columns.
/// </summary>
internal interface IProviderModelConfiguration
{
    void Configure(ModelBuilder modelBuilder, bool isPostgres);
}

using InsureCrm.Core.Common;
using Microsoft.EntityFrameworkCore;

namespace InsureCrm.Core.Imports;

/// <summary>The import-run tables of <see cref="CrmDbContext"/>, declared in the feature so that Common knows none.</summary>
public static class ImportSets
{
    extension(CrmDbContext db)
    {
        public DbSet<ImportRun> ImportRuns => db.Set<ImportRun>();
    }
}

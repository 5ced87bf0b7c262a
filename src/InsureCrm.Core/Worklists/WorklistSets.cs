using InsureCrm.Core.Common;
using Microsoft.EntityFrameworkCore;

namespace InsureCrm.Core.Worklists;

/// <summary>The worklist tables of <see cref="CrmDbContext"/>, declared in the feature so that Common knows none.</summary>
public static class WorklistSets
{
    extension(CrmDbContext db)
    {
        public DbSet<WorkItem> WorkItems => db.Set<WorkItem>();
        public DbSet<WorkResult> WorkResults => db.Set<WorkResult>();
        public DbSet<Appointment> Appointments => db.Set<Appointment>();
        public DbSet<CalendarFeed> CalendarFeeds => db.Set<CalendarFeed>();
        public DbSet<WorklistRun> WorklistRuns => db.Set<WorklistRun>();
    }
}

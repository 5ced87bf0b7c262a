using System.CommandLine;
using InsureCrm.Core.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace InsureCrm.Cli.Common;

internal static class DbCommands
{
    public static Command Create(Lazy<ServiceProvider> services)
    {
        var db = new Command("db", "Database schema: migrate, status");

        var migrate = new Command("migrate", "Apply the pending versioned SQL migrations of the configured provider");
        migrate.SetAction(async (_, ct) =>
        {
            var migrator = services.Value.GetRequiredService<Migrator>();
            var applied = await migrator.MigrateAsync(ct);
            Console.WriteLine(applied.Count == 0 ? "Schema is up to date." : $"Applied: {string.Join(", ", applied)}");
            return 0;
        });
        db.Subcommands.Add(migrate);

        var status = new Command("status", "List migrations not yet applied");
        status.SetAction(async (_, ct) =>
        {
            var pending = await services.Value.GetRequiredService<Migrator>().PendingAsync(ct);
            Console.WriteLine(pending.Count == 0 ? "Schema is up to date." : $"Pending: {string.Join(", ", pending)}");
            return 0;
        });
        db.Subcommands.Add(status);

        var script = new Command("model-script", "Print the DDL that the EF model implies (a starting point for a new migration script)")
        {
            Hidden = true,
        };
        script.SetAction(_ =>
        {
            using var context = services.Value.GetRequiredService<CrmDatabase>().CreateContext();
            Console.WriteLine(context.Database.GenerateCreateScript());
            return 0;
        });
        db.Subcommands.Add(script);
        return db;
    }
}

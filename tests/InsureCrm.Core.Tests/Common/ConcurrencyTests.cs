using InsureCrm.Core.Common;
using InsureCrm.Core.Customers;
using InsureCrm.Core.Interactions;
using InsureCrm.Tests;
using Microsoft.EntityFrameworkCore;

namespace InsureCrm.Core.Tests.Common;

public sealed class ConcurrencyTests
{
    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task SaveChanges_StaleVersion_IsRefusedAndKeepsTheFirstEdit(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        long id;
        await using (var setup = db.CreateContext())
        {
            var customer = new Customer { Name = "김민준", Occupation = "회사원", CreatedAt = DateTime.UtcNow, UpdatedAt = DateTime.UtcNow };
            setup.Customers.Add(customer);
            await setup.SaveChangesAsync();
            id = customer.Id;
        }

        await using var first = db.CreateContext();
        await using var second = db.CreateContext();
        var a = await first.Customers.SingleAsync(c => c.Id == id);
        var b = await second.Customers.SingleAsync(c => c.Id == id);
        a.Occupation = "교사";
        await first.SaveChangesAsync();
        b.Occupation = "의사";

        await Should.ThrowAsync<DbUpdateConcurrencyException>(() => second.SaveChangesAsync());
        await using var check = db.CreateContext();
        var stored = await check.Customers.AsNoTracking().SingleAsync(c => c.Id == id);
        stored.Occupation.ShouldBe("교사");
        stored.Version.ShouldBe(1);
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task SaveChanges_EditingContactHistory_IsRefused(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await using var context = db.CreateContext();
        var customer = new Customer { Name = "이서연", CreatedAt = DateTime.UtcNow, UpdatedAt = DateTime.UtcNow };
        context.Customers.Add(customer);
        await context.SaveChangesAsync();
        var interaction = new Interaction { CustomerId = customer.Id, OccurredAt = DateTime.UtcNow, Notes = "first" };
        context.Interactions.Add(interaction);
        await context.SaveChangesAsync();

        interaction.Notes = "rewritten";
        Should.Throw<InvalidOperationException>(() => context.SaveChanges()).Message.ShouldContain("append-only");
    }
}

using System.Collections.Concurrent;
using System.Net.Http.Json;
using System.Text.Json;
using InsureCrm.Core.Common;
using InsureCrm.Tests;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace InsureCrm.Web.Tests.Security;

public sealed class LogPrivacyTests
{
    [Fact]
    public async Task Logs_SearchViewEditAndUnmask_CarryNoNamePhoneRrnOrAddress()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        var sink = new CapturingLoggerProvider();
        await using var factory = new CrmWebFactory(db, configure: b => b.ConfigureServices(s => s.AddLogging(l => l.AddProvider(sink))));
        var family = await CustomerApiTests.SeedAsync(factory);
        using var client = await factory.SignedInClientAsync();

        foreach (var q in new[] { "홍길동", "010-1234-5678", family.HongRrn, family.HeldContract })
        {
            (await client.GetAsync("/api/customers?q=" + Uri.EscapeDataString(q))).EnsureSuccessStatusCode();
        }
        var view = await client.GetFromJsonAsync<JsonElement>($"/api/customers/{family.HongId}");
        (await client.GetAsync("/customers/" + family.HongId)).EnsureSuccessStatusCode();
        using var edit = await client.PutAsJsonAsync($"/api/customers/{family.HongId}/contact", new
        {
            version = view.GetProperty("identity").GetProperty("version").GetInt32() + 100,
            phones = new[] { new { kind = "Mobile", number = "010-9999-0000", isPrimary = true } },
        });
        using var unmask = await client.PostAsJsonAsync($"/api/customers/{family.HongId}/unmask", new { field = "rrn", reason = "inquiry" });
        (await client.GetAsync("/api/customers/999999")).StatusCode.ShouldBe(System.Net.HttpStatusCode.NotFound);

        sink.Messages.ShouldNotBeEmpty("the host logs at its configured levels");
        var digits = family.HongRrn.Replace("-", "", StringComparison.Ordinal);
        foreach (var secret in new[] { "홍길동", "홍길순", "01012345678", "1234-5678", "010-9999-0000", digits, family.HongRrn, "테헤란로" })
        {
            sink.Messages.ShouldNotContain(m => m.Contains(secret, StringComparison.Ordinal), $"a log line carries personal data ({secret.Length} chars)");
        }
    }

    private sealed class CapturingLoggerProvider : ILoggerProvider
    {
        public ConcurrentQueue<string> Messages { get; } = new();

        public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

        public void Dispose()
        {
        }

        private sealed class Logger(CapturingLoggerProvider owner, string category) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                owner.Messages.Enqueue($"{category}: {formatter(state, exception)} {exception}");
        }
    }
}

using InsureCrm.Core.Security;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace InsureCrm.Web.Hosting;

/// <summary>
/// Where the host listens and how it fails to: the README's address when nothing else names one, one clear message
/// and exit code 1 when the address is taken, and background jobs that wait for the server to listen.
/// </summary>
internal static class CrmHosting
{
    /// <summary>The address of <c>dotnet run --project src/InsureCrm.Web</c> (README), used only when none is configured.</summary>
    public const string DefaultUrl = "http://127.0.0.1:5080";

    private const string HostCategory = "Microsoft.Extensions.Hosting.Internal.Host";

    /// <summary>
    /// Whether the configuration names no address: no <c>urls</c> (<c>ASPNETCORE_URLS</c>, <c>--urls</c>, <c>Urls</c>),
    /// no <c>http_ports</c>/<c>https_ports</c> (<c>ASPNETCORE_HTTP_PORTS</c>…) and no <c>Kestrel:Endpoints</c>. The
    /// default is applied only then, so that each of these standard ways wins over it.
    /// </summary>
    public static bool NamesNoAddress(IConfiguration configuration) =>
        string.IsNullOrWhiteSpace(configuration["urls"])
        && string.IsNullOrWhiteSpace(configuration["http_ports"])
        && string.IsNullOrWhiteSpace(configuration["https_ports"])
        && !configuration.GetSection("Kestrel:Endpoints").GetChildren().Any();

    /// <summary>The default address when none is configured, and the start-up logging of <see cref="RunCrmAsync"/>.</summary>
    public static WebApplicationBuilder AddCrmHosting(this WebApplicationBuilder builder)
    {
        if (NamesNoAddress(builder.Configuration))
        {
            builder.WebHost.UseUrls(DefaultUrl);
        }
        var started = new StartedFlag();
        builder.Services.AddSingleton(started);
        // Until the server listens, RunCrmAsync reports a failed start once (the address in use); the host would log
        // it again with its stack. Anything else that stops the start still ends the process with its exception.
        builder.Logging.AddFilter(HostCategory, level => level >= LogLevel.Critical || started.IsSet);
        return builder;
    }

    /// <summary>
    /// Runs the host until it stops: 0. An address already in use, or keys that are not the database's own
    /// (<see cref="ProtectionKeyCheck"/>), is a single critical message that names it and what to do, and exit code 1
    /// (the migrations and demo set-up before it are kept; jobs never started).
    /// </summary>
    public static async Task<int> RunCrmAsync(this WebApplication app)
    {
        await using (app)
        {
            app.Lifetime.ApplicationStarted.Register(app.Services.GetRequiredService<StartedFlag>().Set);
            try
            {
                await app.StartAsync();
            }
            catch (IOException ex) when (ex.InnerException is AddressInUseException)
            {
                app.Logger.LogCritical(
                    "Cannot listen on {Addresses}: the address is already in use (is InsureCRM already running?). "
                    + "Stop the other process, or choose another address with --urls or ASPNETCORE_URLS, e.g. ASPNETCORE_URLS=http://127.0.0.1:5081",
                    FailedAddress(ex.Message) ?? app.Configuration["urls"] ?? "the configured address");
                return 1;
            }
            catch (ProtectionKeyMismatchException ex)
            {
                // Keys other than the database's own (a missing key file made anew): nothing was written with them.
                app.Logger.LogCritical("Cannot start: {Reason}", ex.Message);
                return 1;
            }
            await app.WaitForShutdownAsync();
            return 0;
        }
    }

    /// <summary>The address in Kestrel's "Failed to bind to address http://127.0.0.1:5080: address already in use."</summary>
    private static string? FailedAddress(string message)
    {
        const string Before = "to address ", After = ": address already in use";
        var start = message.IndexOf(Before, StringComparison.Ordinal);
        var end = message.IndexOf(After, StringComparison.Ordinal);
        return start >= 0 && end > start ? message[(start + Before.Length)..end] : null;
    }

    /// <summary>The addresses the server listens on; none for a test server.</summary>
    public static IReadOnlyCollection<string> Addresses(WebApplication app) =>
        app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.ToList() ?? [];

    /// <summary>
    /// Waits until the server listens; false when the host stops first (a failed start), so that a background job
    /// never starts work, nor reports its cancellation as a failure, in a host that never served.
    /// </summary>
    public static async Task<bool> WaitUntilStartedAsync(this IHostApplicationLifetime lifetime, CancellationToken stoppingToken)
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var onStarted = lifetime.ApplicationStarted.Register(() => started.TrySetResult());
        await using var onStopping = stoppingToken.Register(() => started.TrySetCanceled(stoppingToken));
        try
        {
            await started.Task;
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>Set once the server listens.</summary>
    internal sealed class StartedFlag
    {
        private volatile bool _set;

        public bool IsSet => _set;

        public void Set() => _set = true;
    }
}

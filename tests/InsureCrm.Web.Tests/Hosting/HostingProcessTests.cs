using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using InsureCrm.Web.Hosting;
using Microsoft.Extensions.Configuration;

namespace InsureCrm.Web.Tests.Hosting;

/// <summary>
/// The built app started the way a person starts it: <c>dotnet InsureCrm.Web.dll</c> in its folder (its
/// appsettings.json beside it), a process of its own, configured through the environment only, on a database of the
/// test's own.
/// </summary>
public sealed class HostingProcessTests
{
    [Fact]
    public void ShippedSettings_NameNoAddress_SoTheStandardWaysAndTheDefaultApply()
    {
        var shipped = new ConfigurationBuilder().SetBasePath(AppContext.BaseDirectory).AddJsonFile("appsettings.json").Build();

        CrmHosting.NamesNoAddress(shipped).ShouldBeTrue();
        CrmHosting.NamesNoAddress(Config(("urls", "http://127.0.0.1:5090"))).ShouldBeFalse();
        CrmHosting.NamesNoAddress(Config(("http_ports", "8080"))).ShouldBeFalse();
        CrmHosting.NamesNoAddress(Config(("Kestrel:Endpoints:web:Url", "http://127.0.0.1:5091"))).ShouldBeFalse();
    }

    [Fact]
    public async Task AspNetCoreUrls_AnotherPort_TheAppListensThere()
    {
        var port = FreePort();
        await using var app = AppProcess.Start(("ASPNETCORE_URLS", $"http://127.0.0.1:{port}"), ("ASPNETCORE_ENVIRONMENT", "Development"));

        using var health = await app.GetWhenUpAsync(port, "/health/live");

        health.ShouldNotBeNull(app.Output);
        health.StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task AnotherKeyFile_OnADatabaseUsedWithItsOwn_ExitsWithOneClearMessage_AndTheOwnStillStarts()
    {
        var data = Directory.CreateTempSubdirectory("insurecrm-keys-").FullName;
        try
        {
            var database = ("ConnectionStrings__Crm", $"Data Source={Path.Combine(data, "crm.db")}");
            var own = ("Security__Protection__KeyFile", Path.Combine(data, "keys.json"));
            var port = FreePort();
            await using (var first = AppProcess.Start(database, own, ("ASPNETCORE_URLS", $"http://127.0.0.1:{port}"), ("ASPNETCORE_ENVIRONMENT", "Development")))
            {
                using var up = await first.GetWhenUpAsync(port, "/health/live");
                up.ShouldNotBeNull(first.Output);
            }

            // Pointed at a key file that is not there, the host makes one with new keys: it must not run with them.
            await using var other = AppProcess.Start(database, ("Security__Protection__KeyFile", Path.Combine(data, "elsewhere.json")),
                ("ASPNETCORE_URLS", $"http://127.0.0.1:{FreePort()}"), ("ASPNETCORE_ENVIRONMENT", "Development"));
            (await other.ExitCodeAsync()).ShouldBe(1, other.Output);
            other.Output.ShouldContain("differing: field:k1, hash, access-log");
            other.Output.ShouldContain("Security__Protection__KeyFile");
            other.Output.ShouldNotContain("Unhandled exception");

            port = FreePort();
            await using var again = AppProcess.Start(database, own, ("ASPNETCORE_URLS", $"http://127.0.0.1:{port}"), ("ASPNETCORE_ENVIRONMENT", "Development"));
            using var health = await again.GetWhenUpAsync(port, "/health/live");
            health.ShouldNotBeNull(again.Output);
            health.StatusCode.ShouldBe(HttpStatusCode.OK);
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }

    [Fact]
    public async Task AddressInUse_ExitsWithOneClearMessage_AndNoJobNoise()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port;
        await using var app = AppProcess.Start(("ASPNETCORE_URLS", $"http://127.0.0.1:{port}"), ("ASPNETCORE_ENVIRONMENT", "Development"));

        var exitCode = await app.ExitCodeAsync();

        exitCode.ShouldBe(1, app.Output);
        app.Output.ShouldContain($"Cannot listen on http://127.0.0.1:{port}: the address is already in use");
        app.Output.ShouldContain("ASPNETCORE_URLS=");
        app.Output.ShouldNotContain("PrivacyPurgeJob");
        app.Output.ShouldNotContain("ValueChainJob");
        app.Output.ShouldNotContain("BackgroundService");
        app.Output.ShouldNotContain("Unhandled exception");
        app.Output.ShouldNotContain(" at Microsoft.");
    }

    [Fact]
    public async Task Production_PlainHttp_SaysAtStartWhatToSet_AndTheLoginPageAnswersWithoutError()
    {
        var port = FreePort();
        await using var app = AppProcess.Start(("ASPNETCORE_URLS", $"http://127.0.0.1:{port}"), ("ASPNETCORE_ENVIRONMENT", "Production"));

        using var login = await app.GetWhenUpAsync(port, "/login");

        login.ShouldNotBeNull(app.Output);
        var body = await login.Content.ReadAsStringAsync();
        login.StatusCode.ShouldBe(HttpStatusCode.BadRequest, body);
        body.ShouldContain("Security__Web__SecureCookies=SameAsRequest");
        body.ShouldContain("https://");
        app.Output.ShouldContain("Security__Web__SecureCookies=SameAsRequest");
    }

    private static IConfiguration Config(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value))).Build();

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    /// <summary>The app's process, its console output, and its own data folder (removed with it).</summary>
    private sealed class AppProcess : IAsyncDisposable
    {
        /// <summary>How long start-up may take on a loaded machine; a hang, not a speed limit.</summary>
        private static readonly TimeSpan StartLimit = TimeSpan.FromMinutes(4);

        private readonly Process _process;
        private readonly string _data;
        private readonly StringBuilder _output = new();

        private AppProcess(Process process, string data)
        {
            _process = process;
            _data = data;
        }

        public string Output
        {
            get
            {
                lock (_output)
                {
                    return _output.ToString();
                }
            }
        }

        public static AppProcess Start(params (string Name, string Value)[] environment)
        {
            var data = Directory.CreateTempSubdirectory("insurecrm-host-").FullName;
            var dotnet = Environment.ProcessPath is { } host && Path.GetFileNameWithoutExtension(host) == "dotnet" ? host : "dotnet";
            var start = new ProcessStartInfo(dotnet, [Path.Combine(AppContext.BaseDirectory, "InsureCrm.Web.dll")])
            {
                WorkingDirectory = AppContext.BaseDirectory,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (var name in start.Environment.Keys.Where(k => k.StartsWith("ASPNETCORE_", StringComparison.OrdinalIgnoreCase)
                || k.StartsWith("DOTNET_URLS", StringComparison.OrdinalIgnoreCase) || k.Contains("__", StringComparison.Ordinal)).ToList())
            {
                start.Environment.Remove(name);
            }
            start.Environment["ConnectionStrings__Crm"] = $"Data Source={Path.Combine(data, "crm.db")}";
            start.Environment["Database__Provider"] = "Sqlite";
            start.Environment["Security__Protection__KeyFile"] = Path.Combine(data, "keys.json");
            start.Environment["Demo__GenerateOnStartup"] = "false";
            foreach (var (name, value) in environment)
            {
                start.Environment[name] = value;
            }
            var process = new Process { StartInfo = start };
            var app = new AppProcess(process, data);
            process.OutputDataReceived += (_, e) => app.Append(e.Data);
            process.ErrorDataReceived += (_, e) => app.Append(e.Data);
            process.Start();
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            return app;
        }

        /// <summary>The answer to <paramref name="path"/> once the app listens; null when it exits or never answers.</summary>
        public async Task<HttpResponseMessage?> GetWhenUpAsync(int port, string path)
        {
            using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
            client.DefaultRequestHeaders.Accept.ParseAdd("text/html");
            var deadline = DateTime.UtcNow + StartLimit;
            while (DateTime.UtcNow < deadline && !_process.HasExited)
            {
                try
                {
                    return await client.GetAsync(path);
                }
                catch (HttpRequestException)
                {
                    await Task.Delay(250);
                }
            }
            return null;
        }

        public async Task<int?> ExitCodeAsync()
        {
            using var limit = new CancellationTokenSource(StartLimit);
            try
            {
                await _process.WaitForExitAsync(limit.Token);
                return _process.ExitCode;
            }
            catch (OperationCanceledException)
            {
                return null;
            }
        }

        public async ValueTask DisposeAsync()
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync();
            }
            _process.Dispose();
            try
            {
                Directory.Delete(_data, recursive: true);
            }
            catch (IOException)
            {
                // A file still held open is left in the temporary folder.
            }
        }

        private void Append(string? line)
        {
            if (line is null)
            {
                return;
            }
            lock (_output)
            {
                _output.AppendLine(line);
            }
        }
    }
}

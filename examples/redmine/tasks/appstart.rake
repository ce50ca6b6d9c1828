# Rake tasks of the package, loaded with `rake -R /app/pkg/tasks` beside
# Redmine's own, so each step is one Rails boot (~4 s, ~150 MB) however many
# tasks it names.
namespace :appstart do
  desc 'first run: the REST API on, changesets fetched by the scheduled worker only'
  task first_run: :environment do
    # redmine:load_default_data prints its errors and exits 0.
    raise 'Redmine default data is not loaded: see the lines above' unless Tracker.any? && IssueStatus.any?
    Setting.rest_api_enabled = '1'
    # The fetch program (appstart.toml) fetches every minute; a page view
    # must not stall on a repository.
    Setting.autofetch_changesets = '0'
    puts 'appstart:first_run: REST API enabled'
  end

  desc 'every start: settings that follow the platform (origin, the sys key secret)'
  task settings: :environment do
    origin = URI(ENV.fetch('CLOUDRON_APP_ORIGIN'))
    Setting.host_name = origin.port == origin.default_port ? origin.host : "#{origin.host}:#{origin.port}"
    Setting.protocol = origin.scheme
    Setting.sys_api_enabled = '1'
    Setting.sys_api_key = ENV.fetch('REDMINE_SYS_KEY')
    puts "appstart:settings: host #{Setting.host_name}, repository WS on"
  end

  desc 'once per package version, after the migrations: what the upgrade guide asks'
  task upgrade: :environment do
    Rails.cache.clear
    line = "#{ENV['APPSTART_OLD_VERSION']} -> #{ENV['APPSTART_NEW_VERSION']}"
    File.open('/app/data/upgrades.log', 'a') { |f| f.puts line }
    puts "appstart:upgrade: #{line}"
  end
end

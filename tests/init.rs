//! `annex init`: a new project that builds as it is, with zero warnings,
//! from a folder outside the repository (the theme and the example are in
//! the binary).

mod common;
use common::annex_in as annex;

fn text(out: &[u8]) -> String {
    String::from_utf8_lossy(out).into_owned()
}

#[test]
fn a_new_project_builds_with_zero_warnings() {
    let tmp = tempfile::tempdir().unwrap();
    let init = annex(tmp.path(), &["init", "x"]);
    assert!(init.status.success(), "{}", text(&init.stderr));
    let project = tmp.path().join("x");
    assert!(project.join("site.yaml").is_file());
    let config = std::fs::read_to_string(project.join("site.yaml")).unwrap();
    assert!(config.contains("preset: nz-oia"));
    for setting in [
        "base_url",
        "language",
        "theme",
        "output_dir",
        "search",
        "home_list_limit",
        "codes",
    ] {
        assert!(config.contains(setting), "site.yaml explains `{setting}`");
    }
    assert!(!project.join("themes").exists(), "the theme is not copied");

    let build = annex(&project, &["build"]);
    let stderr = text(&build.stderr);
    assert!(build.status.success(), "{stderr}");
    assert!(!stderr.contains("warning"), "warnings: {stderr}");
    assert!(!stderr.contains("error"), "errors: {stderr}");
    let public = project.join("public");
    for page in [
        "index.html",
        "meetings/01-example-council/index.html",
        "documents/01-example-council/index.html",
        "press/example-news-report/index.html",
        "participants/index.html",
        "assets/style.css",
    ] {
        assert!(public.join(page).is_file(), "{page} was built");
    }
    let meeting =
        std::fs::read_to_string(public.join("meetings/01-example-council/index.html")).unwrap();
    assert!(meeting.contains("Meeting with the Example Council"));
    assert!(
        meeting.contains("data-grounds"),
        "the example shows redaction badges"
    );
    assert!(
        !meeting.contains("__annex"),
        "no reload script in build output"
    );

    let check = annex(&project, &["check"]);
    let stderr = text(&check.stderr);
    // Only the reminder that the site's address is not set yet.
    let warnings: Vec<&str> = stderr.lines().filter(|l| l.contains("warning[")).collect();
    assert!(
        warnings.len() == 1 && warnings[0].contains("warning[base-url]"),
        "check warnings: {stderr}"
    );
}

#[test]
fn an_ejected_theme_is_the_built_in_one_and_builds_the_same_site() {
    let tmp = tempfile::tempdir().unwrap();
    let plain = tmp.path().join("plain");
    let ejected = tmp.path().join("ejected");
    assert!(annex(tmp.path(), &["init", "plain"]).status.success());
    let init = annex(tmp.path(), &["init", "ejected", "--eject-theme"]);
    assert!(init.status.success(), "{}", text(&init.stderr));
    assert!(ejected.join("themes/default/templates/base.html").is_file());
    assert!(ejected.join("themes/default/static/style.css").is_file());
    for dir in [&plain, &ejected] {
        let build = annex(dir, &["build"]);
        assert!(build.status.success(), "{}", text(&build.stderr));
    }
    let page = "meetings/01-example-council/index.html";
    assert_eq!(
        std::fs::read(plain.join("public").join(page)).unwrap(),
        std::fs::read(ejected.join("public").join(page)).unwrap()
    );
}

#[test]
fn init_refuses_a_folder_that_is_not_empty() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("notes.txt"), "mine").unwrap();
    let out = annex(tmp.path(), &["init", "."]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("not empty"),
        "{}",
        text(&out.stderr)
    );
    let names: Vec<_> = std::fs::read_dir(tmp.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names, vec![std::ffi::OsString::from("notes.txt")]);
    assert_eq!(
        std::fs::read_to_string(tmp.path().join("notes.txt")).unwrap(),
        "mine"
    );
}

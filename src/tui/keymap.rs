//! The keymap is data: one table per mode maps keys to actions and labels.
//! The help bar and the `?` overlay are generated from these tables, so the
//! keys and their help never drift apart.
//!
//! Owns: key bindings. Must not: change state (it only names actions).

use crossterm::event::{
    Event, KeyCode, KeyEvent, KeyEventKind, KeyModifiers, MouseButton, MouseEventKind,
};

use crate::tui::action::Action;
use crate::tui::app::{App, Mode, Screen};
use crate::tui::i18n::Lang;

/// One binding.
#[derive(Clone, Debug)]
pub struct Binding {
    /// Keys that trigger it.
    pub keys: &'static [KeyCode],
    /// How the help shows the keys.
    pub shown: &'static str,
    /// What it does.
    pub action: Action,
    /// English label.
    pub en: &'static str,
    /// Chinese label.
    pub zh: &'static str,
    /// Also shown in the bottom bar.
    pub bar: bool,
}

impl Binding {
    /// The label in a language.
    pub fn label(&self, l: Lang) -> &'static str {
        l.t(self.en, self.zh)
    }
}

const fn b(
    keys: &'static [KeyCode],
    shown: &'static str,
    action: Action,
    en: &'static str,
    zh: &'static str,
    bar: bool,
) -> Binding {
    Binding {
        keys,
        shown,
        action,
        en,
        zh,
        bar,
    }
}

/// Bindings that work on every screen in normal mode.
pub fn global() -> Vec<Binding> {
    vec![
        b(
            &[KeyCode::Char('q'), KeyCode::Esc],
            "q",
            Action::Quit,
            "quit",
            "退出",
            true,
        ),
        b(
            &[KeyCode::Char('?')],
            "?",
            Action::ToggleHelp,
            "help",
            "帮助",
            true,
        ),
        b(
            &[KeyCode::Tab],
            "Tab",
            Action::NextScreen,
            "next screen",
            "下一页",
            true,
        ),
        b(
            &[KeyCode::BackTab],
            "S-Tab",
            Action::PrevScreen,
            "previous screen",
            "上一页",
            false,
        ),
        b(
            &[KeyCode::Char('1')],
            "1",
            Action::GoTo(Screen::Dashboard),
            "dashboard",
            "总览",
            false,
        ),
        b(
            &[KeyCode::Char('2')],
            "2",
            Action::GoTo(Screen::Lab),
            "scenario lab",
            "情景实验",
            false,
        ),
        b(
            &[KeyCode::Char('3')],
            "3",
            Action::GoTo(Screen::Credit),
            "credit",
            "信用账户",
            false,
        ),
        b(
            &[KeyCode::Char('4')],
            "4",
            Action::GoTo(Screen::Transactions),
            "transactions",
            "交易",
            false,
        ),
        b(
            &[KeyCode::Char('5')],
            "5",
            Action::GoTo(Screen::Import),
            "import",
            "导入",
            false,
        ),
        b(
            &[KeyCode::Char('s')],
            "s",
            Action::CycleScenario,
            "switch scenario",
            "切换情景",
            true,
        ),
        b(
            &[KeyCode::Char('r')],
            "r",
            Action::Reload,
            "reload the book",
            "重新载入",
            false,
        ),
    ]
}

/// Bindings of one screen in normal mode.
pub fn screen(s: Screen) -> Vec<Binding> {
    let nav = || {
        vec![
            b(
                &[KeyCode::Down, KeyCode::Char('j')],
                "↓/j",
                Action::SelectNext,
                "next row",
                "下一行",
                false,
            ),
            b(
                &[KeyCode::Up, KeyCode::Char('k')],
                "↑/k",
                Action::SelectPrev,
                "previous row",
                "上一行",
                false,
            ),
            b(
                &[KeyCode::PageDown],
                "PgDn",
                Action::PageDown,
                "page down",
                "下一页",
                false,
            ),
            b(
                &[KeyCode::PageUp],
                "PgUp",
                Action::PageUp,
                "page up",
                "上一页",
                false,
            ),
            b(
                &[KeyCode::Home, KeyCode::Char('g')],
                "Home/g",
                Action::First,
                "first row",
                "第一行",
                false,
            ),
            b(
                &[KeyCode::End, KeyCode::Char('G')],
                "End/G",
                Action::Last,
                "last row",
                "最后一行",
                false,
            ),
        ]
    };
    match s {
        Screen::Dashboard => vec![b(
            &[KeyCode::Char('b')],
            "b",
            Action::Solve,
            "solve: bridge and safe prestock",
            "求解：过桥资金与安全备货",
            true,
        )],
        Screen::Lab => {
            let mut v = nav();
            v.extend([
                b(
                    &[KeyCode::Left, KeyCode::Char('h')],
                    "←",
                    Action::Adjust(-1),
                    "step down",
                    "减少",
                    true,
                ),
                b(
                    &[KeyCode::Right, KeyCode::Char('l')],
                    "→",
                    Action::Adjust(1),
                    "step up",
                    "增加",
                    true,
                ),
                b(
                    &[KeyCode::Enter],
                    "Enter",
                    Action::BeginEdit,
                    "type a value",
                    "输入数值",
                    true,
                ),
                b(
                    &[KeyCode::Char('b')],
                    "b",
                    Action::Solve,
                    "solve: bridge and safe prestock",
                    "求解：过桥资金与安全备货",
                    true,
                ),
                b(
                    &[KeyCode::Char('u')],
                    "u",
                    Action::ResetScenario,
                    "undo all changes",
                    "撤销修改",
                    false,
                ),
                b(
                    &[KeyCode::Char('w')],
                    "w",
                    Action::BeginSave,
                    "save as a named scenario",
                    "另存为情景",
                    false,
                ),
                b(
                    &[KeyCode::Char('m')],
                    "m",
                    Action::ToggleMonteCarlo,
                    "Monte Carlo stress test (again: cancel)",
                    "蒙特卡洛压力测试（再按取消）",
                    true,
                ),
            ]);
            v
        }
        Screen::Credit => nav(),
        Screen::Import => {
            let mut v = nav();
            v.extend([
                b(
                    &[KeyCode::Enter],
                    "Enter",
                    Action::PreviewSelected,
                    "preview the selected file",
                    "预览所选文件",
                    true,
                ),
                b(
                    &[KeyCode::Char('p')],
                    "p",
                    Action::BeginPath,
                    "type a file's path",
                    "输入文件路径",
                    true,
                ),
                b(
                    &[KeyCode::Char('y')],
                    "y",
                    Action::ConfirmImport(false),
                    "import the previewed file",
                    "导入预览的文件",
                    true,
                ),
                b(
                    &[KeyCode::Char('Y')],
                    "Y",
                    Action::ConfirmImport(true),
                    "import it, skipping bad rows",
                    "导入并跳过错误行",
                    false,
                ),
                b(
                    &[KeyCode::Char('u')],
                    "u",
                    Action::UndoLastImport,
                    "undo the newest import",
                    "撤销最近一次导入",
                    true,
                ),
            ]);
            v
        }
        Screen::Transactions => {
            let mut v = nav();
            v.push(b(
                &[KeyCode::Char('/')],
                "/",
                Action::BeginEdit,
                "filter",
                "筛选",
                true,
            ));
            v.push(b(
                &[KeyCode::Char('c')],
                "c",
                Action::BeginCategorise(false),
                "set the category",
                "设置分类",
                true,
            ));
            v.push(b(
                &[KeyCode::Char('C')],
                "C",
                Action::BeginCategorise(true),
                "set it for every row like this",
                "同一对方全部设置",
                false,
            ));
            v
        }
    }
}

/// Maps a terminal event to an action in the app's current mode.
pub fn action_for(app: &App, ev: &Event) -> Option<Action> {
    match ev {
        Event::Key(k) if k.kind != KeyEventKind::Release => key(app, k),
        Event::Resize(w, h) => Some(Action::Resized(*w, *h)),
        Event::Mouse(m) => match m.kind {
            MouseEventKind::ScrollDown => Some(Action::SelectNext),
            MouseEventKind::ScrollUp => Some(Action::SelectPrev),
            // A click on the tab row switches screens.
            MouseEventKind::Down(MouseButton::Left) if m.row == 0 => {
                tab_at(app, m.column).map(Action::GoTo)
            }
            MouseEventKind::Down(MouseButton::Left) => {
                row_at(app, m.column, m.row).map(Action::ClickRow)
            }
            _ => None,
        },
        _ => None,
    }
}

/// The list row under a click, by the screen's layout (see `view`): the
/// body starts below the tab line, inside a border; tables with a header
/// row start one line lower.
fn row_at(app: &App, column: u16, row: u16) -> Option<usize> {
    let (first, left_part) = match app.screen {
        Screen::Lab => (2u16, crate::tui::view::LAB_LIST_PERCENT),
        Screen::Credit => (3, 100),
        Screen::Transactions => (3, 100),
        Screen::Import => (2, crate::tui::view::INBOX_LIST_PERCENT),
        Screen::Dashboard => return None,
    };
    if column >= app.width * left_part / 100 || row < first || row + 1 >= app.height {
        return None;
    }
    let offset = (row - first) as usize;
    let scroll = if app.screen == Screen::Transactions {
        let visible = app.height.saturating_sub(2).saturating_sub(3) as usize;
        app.selected.saturating_sub(visible.saturating_sub(1))
    } else {
        0
    };
    Some(scroll + offset)
}

fn tab_at(app: &App, column: u16) -> Option<Screen> {
    let mut x = crate::tui::view::TABS_X;
    for s in Screen::ALL {
        let w = unicode_width::UnicodeWidthStr::width(s.tab_title(app.lang, app.width)) as u16 + 3;
        if column >= x && column < x + w {
            return Some(s);
        }
        x += w;
    }
    None
}

fn key(app: &App, k: &KeyEvent) -> Option<Action> {
    if k.modifiers.contains(KeyModifiers::CONTROL) && k.code == KeyCode::Char('c') {
        return Some(Action::Quit);
    }
    match &app.mode {
        Mode::EditValue(_)
        | Mode::EditFilter(_)
        | Mode::EditName(_)
        | Mode::EditCategory(..)
        | Mode::EditPath(_) => match k.code {
            KeyCode::Enter => Some(Action::CommitEdit),
            KeyCode::Esc => Some(Action::CancelEdit),
            KeyCode::Backspace => Some(Action::EditBackspace),
            KeyCode::Char(c) => Some(Action::EditChar(c)),
            _ => None,
        },
        Mode::Help => match k.code {
            KeyCode::Esc | KeyCode::Char('?') | KeyCode::Char('q') => Some(Action::ToggleHelp),
            _ => None,
        },
        Mode::Normal => screen(app.screen)
            .into_iter()
            .chain(global())
            .find(|b| b.keys.contains(&k.code))
            .map(|b| b.action),
    }
}

package dev.herald.web;

import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;

/** The landing page is the announcement list; sign-out has a page of its own. */
@Controller
class HomeController {

	@GetMapping("/")
	String home() {
		return "redirect:/announcements";
	}

	@GetMapping("/signed-out")
	String signedOut() {
		return "signed-out";
	}

}
